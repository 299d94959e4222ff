// Negative 8: the second acquisition is a try_lock whose failure is handled.
#include <mutex>
std::mutex a, b;
void one() {
  std::lock_guard ga(a);
  if (!b.try_lock()) return;
  b.unlock();
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
