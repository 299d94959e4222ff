// Negative 1: the same order everywhere.
#include <mutex>
std::mutex a, b;
void one() {
  std::lock_guard ga(a);
  std::lock_guard gb(b);
}
void two() {
  std::unique_lock la(a);
  std::unique_lock lb(b);
}
