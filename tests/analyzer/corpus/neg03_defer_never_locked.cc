// Negative 3: a unique_lock built with defer_lock and never locked.
#include <mutex>
std::mutex a, b;
void one() {
  std::unique_lock<std::mutex> la(a, std::defer_lock);
  std::lock_guard gb(b);
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
