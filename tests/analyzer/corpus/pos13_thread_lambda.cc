// Positive 13: a lambda body run by std::thread takes the reverse order of a method.
#include <mutex>
#include <thread>
class Worker {
 public:
  void start() {
    std::thread t([this] {
      std::lock_guard q(queue_mu_);
      std::lock_guard s(state_mu_);  // expect: lock-order-inversion
    });
    t.join();
  }
  void stop() {
    std::lock_guard s(state_mu_);
    std::lock_guard q(queue_mu_);  // on-path
  }
 private:
  std::mutex queue_mu_, state_mu_;
};
