// Negative 7: a common gate lock held around both opposite orders.
#include <mutex>
std::mutex gate, a, b;
void one() {
  std::lock_guard g(gate);
  std::lock_guard ga(a);
  std::lock_guard gb(b);
}
void two() {
  std::lock_guard g(gate);
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
