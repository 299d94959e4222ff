// Locks taken before main(): a global object's constructor nests two mutexes; main() nests
// them the other way round.
#include <cstdio>
#include <mutex>

std::mutex config_mu;
std::mutex registry_mu;

struct Registry {
  Registry() {
    std::lock_guard config(config_mu);
    std::lock_guard registry(registry_mu);
    ready = true;
  }
  bool ready = false;
};
Registry registry;

int main() {
  std::lock_guard held(registry_mu);
  std::lock_guard config(config_mu);
  std::printf("registry ready: %d\n", registry.ready);
  return 0;
}
