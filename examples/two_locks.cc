// Two threads take x_lock and y_lock in opposite orders: the classic lock-order inversion.
// The threads run one after the other, so this run cannot hang; lockorder reports the
// potential deadlock anyway, with where each lock was taken.
#include <lockorder/lockorder.h>

#include <mutex>
#include <thread>

lockorder::mutex x_lock("x_lock");
lockorder::mutex y_lock("y_lock");
int x = 0, y = 0;

void transfer_x_to_y() {
  std::lock_guard hold_x(x_lock);
  std::lock_guard hold_y(y_lock);
  --x, ++y;
}

void transfer_y_to_x() {
  std::lock_guard hold_y(y_lock);
  std::lock_guard hold_x(x_lock);  // opposite order: with the other thread, a deadlock
  --y, ++x;
}

int main() {
  std::thread first(transfer_x_to_y);
  first.join();
  std::thread second(transfer_y_to_x);
  second.join();
  return 0;
}
