// Positive 11: through a deferred unique_lock that is locked later.
#include <mutex>
std::mutex mu;
void later() {
  std::lock_guard g(mu);
  std::unique_lock<std::mutex> l(mu, std::defer_lock);
  l.lock();  // expect: double-lock
}
