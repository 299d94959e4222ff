// Positive 9: a guard unlocked early and relocked around another lock.
#include <mutex>
std::mutex a, b;
void one() {
  std::unique_lock<std::mutex> la(a);
  la.unlock();
  std::lock_guard gb(b);
  la.lock();  // on-path
}
void two() {
  std::lock_guard ga(a);
  std::lock_guard gb(b);  // expect: lock-order-inversion
}
