// The two_locks example fixed: both threads take the two locks with lockorder::ordered_lock,
// which acquires them in one canonical order whatever the order of its arguments.
#include <lockorder/lockorder.h>

#include <thread>

lockorder::mutex x_lock("x_lock");
lockorder::mutex y_lock("y_lock");
int x = 0, y = 0;

void transfer_x_to_y() {
  lockorder::ordered_lock both(x_lock, y_lock);
  --x, ++y;
}

void transfer_y_to_x() {
  lockorder::ordered_lock both(y_lock, x_lock);  // same order inside: no deadlock
  --y, ++x;
}

int main() {
  std::thread first(transfer_x_to_y), second(transfer_y_to_x);
  first.join();
  second.join();
  return 0;
}
