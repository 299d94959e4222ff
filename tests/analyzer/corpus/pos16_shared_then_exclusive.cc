// A shared lock of A then B; elsewhere B then an exclusive lock of A.
#include <mutex>
#include <shared_mutex>
std::shared_mutex a;
std::mutex b;
void reader() {
  std::shared_lock ra(a);
  std::lock_guard gb(b);  // expect: lock-order-inversion
}
void writer() {
  std::lock_guard gb(b);
  std::unique_lock wa(a);  // on-path
}
