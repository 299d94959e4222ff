// Negative 5: a recursive_mutex re-entered directly.
#include <mutex>
std::recursive_mutex r;
void nested() {
  std::lock_guard g1(r);
  std::lock_guard g2(r);
  r.lock();
  r.unlock();
}
