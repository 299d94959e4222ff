// Negative 20: the same lock through a reference member and directly, in one order.
#include <mutex>
struct Engine {
  std::mutex mu;
};
std::mutex stats_mu;
struct Session {
  explicit Session(Engine& e) : mu(e.mu) {}
  void send() {
    std::lock_guard g(mu);
    std::lock_guard s(stats_mu);
  }
  std::mutex& mu;
};
void report(Engine& engine) {
  std::lock_guard g(engine.mu);
  std::lock_guard s(stats_mu);
}
