// Negative 9: a finding suppressed by the documented comment.
#include <mutex>
std::mutex a, b;
void one() {
  std::lock_guard ga(a);
  std::lock_guard gb(b);  // lockorder: ignore (b is only ever try-locked elsewhere in production)
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
