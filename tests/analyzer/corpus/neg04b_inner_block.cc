// Negative 4: a lock released at the end of an inner block.
#include <mutex>
std::mutex a, b;
void one() {
  {
    std::lock_guard ga(a);
  }
  std::lock_guard gb(b);
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
