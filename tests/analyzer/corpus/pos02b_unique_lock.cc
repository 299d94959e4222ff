// Positive 2: through std::unique_lock.
#include <mutex>
std::mutex a, b;
void one() {
  std::unique_lock<std::mutex> la(a);
  std::unique_lock<std::mutex> lb(b);  // expect: lock-order-inversion
}
void two() {
  std::unique_lock lb(b);
  std::unique_lock la(a);  // on-path
}
