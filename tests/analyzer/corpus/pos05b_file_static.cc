// Positive 5: file-static mutexes.
#include <mutex>
static std::mutex a_mu;
namespace {
std::mutex b_mu;
}
void one() {
  std::lock_guard a(a_mu);
  std::lock_guard b(b_mu);  // expect: lock-order-inversion
}
void two() {
  std::lock_guard b(b_mu);
  std::lock_guard a(a_mu);
}
