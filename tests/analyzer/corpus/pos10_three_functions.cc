// Positive 10: a three-lock cycle spread over three functions.
#include <mutex>
std::mutex a, b, c;
void ab() {
  std::lock_guard x(a);
  std::lock_guard y(b);  // expect: lock-order-inversion
}
void bc() {
  std::lock_guard x(b);
  std::lock_guard y(c);  // on-path
}
void ca() {
  std::lock_guard x(c);
  std::lock_guard y(a);  // on-path
}
