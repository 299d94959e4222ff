// A unique_lock moved into another keeps its lock held.
#include <mutex>
#include <utility>
std::mutex a, b;
void one() {
  std::unique_lock<std::mutex> first(a);
  std::unique_lock<std::mutex> second(std::move(first));
  std::lock_guard gb(b);  // expect: lock-order-inversion
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
