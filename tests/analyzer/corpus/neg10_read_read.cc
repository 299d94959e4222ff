// Shared locks of two shared_mutexes in both orders: readers do not block readers (a read-read
// cycle is reported only with --read-read-cycles).
#include <shared_mutex>
std::shared_mutex a, b;
void one() {
  std::shared_lock ra(a);
  std::shared_lock rb(b);
}
void two() {
  std::shared_lock rb(b);
  std::shared_lock ra(a);
}
