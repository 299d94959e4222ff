// Positive 7: std::lock(m1, m2) with adopt_lock guards, then m3; elsewhere m3 then m1.
#include <mutex>
std::mutex m1, m2, m3;
void one() {
  std::lock(m1, m2);  // on-path
  std::lock_guard g1(m1, std::adopt_lock);
  std::lock_guard g2(m2, std::adopt_lock);
  std::lock_guard g3(m3);  // expect: lock-order-inversion
}
void two() {
  std::lock_guard g3(m3);
  std::lock_guard g1(m1);  // on-path
}
