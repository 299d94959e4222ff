// Positive 6: a helper locks the mutex it is given; callers pass different globals in opposite
// nesting, so the parameter must be substituted at each call site.
#include <mutex>
std::mutex a, b;
void lock_and_work(std::mutex& m) {
  std::lock_guard g(m);  // on-path
}
void one() {
  std::lock_guard g(a);
  lock_and_work(b);  // expect: lock-order-inversion
}
void two() {
  std::lock_guard g(b);
  lock_and_work(a);
}
