// Positive 2: the same through std::lock_guard.
#include <mutex>
std::mutex a, b;
void one() {
  std::lock_guard<std::mutex> ga(a);
  std::lock_guard<std::mutex> gb(b);  // expect: lock-order-inversion
}
void two() {
  std::lock_guard<std::mutex> gb(b);
  std::lock_guard<std::mutex> ga(a);  // on-path
}
