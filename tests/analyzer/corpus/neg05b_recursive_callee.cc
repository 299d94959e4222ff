// Negative 5: a recursive_mutex re-entered through a callee.
#include <mutex>
class Tree {
 public:
  int size() {
    std::lock_guard g(mu_);
    return n_;
  }
  void grow() {
    std::lock_guard g(mu_);
    n_ = size() + 1;
  }
 private:
  std::recursive_mutex mu_;
  int n_ = 0;
};
