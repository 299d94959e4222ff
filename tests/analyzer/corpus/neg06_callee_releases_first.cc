// Negative 6: a callee releases m1 before it takes m2.
#include <mutex>
std::mutex m1, m2;
void hand_over() {
  m1.unlock();
  std::lock_guard g(m2);
}
void one() {
  m1.lock();
  hand_over();
}
void two() {
  std::lock_guard g2(m2);
  std::lock_guard g1(m1);
}
