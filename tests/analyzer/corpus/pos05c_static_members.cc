// Positive 5: static data members.
#include <mutex>
struct Registry {
  static std::mutex a_mu;
  static std::mutex b_mu;
  static void one() {
    std::lock_guard a(a_mu);
    std::lock_guard b(b_mu);  // expect: lock-order-inversion
  }
};
std::mutex Registry::a_mu, Registry::b_mu;
void two() {
  std::lock_guard b(Registry::b_mu);
  std::lock_guard a(Registry::a_mu);
}
