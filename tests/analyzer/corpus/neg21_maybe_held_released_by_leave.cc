// Negative 21: the lock a conditional enter() may hold is released by the matching leave()
// before anything else is taken; entering twice is no double-lock.
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
  enter();
  leave();
  leave();
  std::lock_guard g(other);
}
void report() {
  std::lock_guard g(other);
  enter();
  leave();
}
