// Positive 3: the inner lock is taken in a callee.
#include <mutex>
std::mutex a, b;
void take_b() {
  std::lock_guard g(b);  // on-path
}
void one() {
  std::lock_guard g(a);
  take_b();  // expect: lock-order-inversion
}
void two() {
  std::lock_guard g(b);
  std::lock_guard h(a);
}
