// Positive 11: through a callee.
#include <mutex>
class Counter {
 public:
  int get() {
    std::lock_guard g(mu_);  // on-path
    return n_;
  }
  void bump() {
    std::lock_guard g(mu_);
    n_ = get() + 1;  // expect: double-lock
  }
 private:
  std::mutex mu_;
  int n_ = 0;
};
