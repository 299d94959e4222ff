// Positive 26: a function that returns holding a lock on some paths only (enter/leave around a
// recursion counter, as SQLite's and HawkNL's are): its callers hold the lock maybe, which
// orders what they take next.
#include <mutex>
std::mutex big, other;
int depth;
void enter() {
  if (depth++ == 0) big.lock();
}
void leave() {
  if (--depth == 0) big.unlock();
}
void work() {
  enter();
  std::lock_guard g(other);  // expect: lock-order-inversion
  leave();
}
void report() {
  std::lock_guard g(other);
  enter();
  leave();
}
