// Positive 2: through std::scoped_lock of one lock each.
#include <mutex>
std::mutex a, b;
void one() {
  std::scoped_lock la(a);
  std::scoped_lock lb(b);  // expect: lock-order-inversion
}
void two() {
  std::scoped_lock lb(b);
  std::scoped_lock la(a);  // on-path
}
