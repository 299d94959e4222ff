// Every way out of a scope releases its guard: goto, break, early return.
#include <mutex>
std::mutex a, b;
bool failed();
void with_goto() {
  {
    std::lock_guard ga(a);
    if (failed()) goto done;
  }
done:
  std::lock_guard gb(b);
}
void with_break() {
  for (;;) {
    std::lock_guard ga(a);
    if (failed()) break;
  }
  std::lock_guard gb(b);
}
void with_return() {
  std::unique_lock la(a);
  if (failed()) return;
  la.unlock();
  std::lock_guard gb(b);
}
void reverse() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
