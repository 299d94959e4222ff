// Negative 4: sequential, non-nested critical sections.
#include <mutex>
std::mutex a, b;
void one() {
  a.lock();
  a.unlock();
  b.lock();
  b.unlock();
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
