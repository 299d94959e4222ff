// lockorder-check example: a double-lock through a callee. size() takes the lock that grow()
// already holds; std::mutex is not recursive, so grow() hangs the first time it runs.
#include <mutex>
#include <vector>

class Buffer {
 public:
  std::size_t size() {
    std::lock_guard guard(mu_);
    return data_.size();
  }
  void grow() {
    std::lock_guard guard(mu_);
    data_.resize(size() * 2 + 1);
  }

 private:
  std::mutex mu_;
  std::vector<char> data_;
};
