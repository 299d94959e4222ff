// Positive 5: global mutexes in free functions.
#include <mutex>
std::mutex config_mu, log_mu;
void reload() {
  std::lock_guard a(config_mu);
  std::lock_guard b(log_mu);  // expect: lock-order-inversion
}
void rotate() {
  std::lock_guard b(log_mu);
  std::lock_guard a(config_mu);
}
