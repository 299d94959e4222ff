// Negative 8: try_to_lock guard, tested with owns_lock().
#include <mutex>
std::mutex a, b;
void one() {
  std::lock_guard ga(a);
  std::unique_lock<std::mutex> lb(b, std::try_to_lock);
  if (!lb.owns_lock()) return;
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
