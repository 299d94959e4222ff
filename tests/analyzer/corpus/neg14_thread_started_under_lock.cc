// A thread started while a lock is held does not run under that lock.
#include <mutex>
#include <thread>
std::mutex a, b;
void start() {
  std::lock_guard ga(a);
  std::thread t([] { std::lock_guard gb(b); });
  t.detach();
}
void other() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
