// A lock taken after a successful try_lock is ordered after the tried lock.
#include <mutex>
std::mutex a, b;
void one() {
  if (a.try_lock()) {  // on-path
    std::lock_guard gb(b);  // expect: lock-order-inversion
    a.unlock();
  }
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
