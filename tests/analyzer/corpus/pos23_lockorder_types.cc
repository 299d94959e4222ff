// lockorder's own drop-in types are understood like their std namesakes.
#include <lockorder/lockorder.h>

#include <mutex>

lockorder::mutex a("a");
lockorder::recursive_mutex r("r");

void one() {
  std::lock_guard ga(a);
  std::lock_guard gr(r);  // expect: lock-order-inversion
  std::lock_guard again(r);  // recursive: not a double-lock
}
void two() {
  std::lock_guard gr(r);
  std::lock_guard ga(a);  // on-path
}
