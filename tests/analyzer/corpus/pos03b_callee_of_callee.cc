// Positive 3: in a callee of a callee.
#include <mutex>
std::mutex a, b;
void leaf() {
  std::lock_guard g(b);  // on-path
}
void middle() {
  leaf();  // on-path
}
void one() {
  std::lock_guard g(a);
  middle();  // expect: lock-order-inversion
}
void two() {
  std::lock_guard g(b);
  std::lock_guard h(a);
}
