// A try_lock result kept in a variable and tested later.
#include <mutex>
std::mutex a, b;
void one() {
  std::lock_guard ga(a);
  const bool got = b.try_lock();
  if (got) b.unlock();
}
void two() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
