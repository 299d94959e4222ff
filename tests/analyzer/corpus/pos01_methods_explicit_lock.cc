// Positive 1: two methods take m1 then m2, and m2 then m1, with explicit lock()/unlock().
#include <mutex>
class Cache {
 public:
  void refresh() {
    m1.lock();  // on-path
    m2.lock();  // expect: lock-order-inversion
    m2.unlock();
    m1.unlock();
  }
  void evict() {
    m2.lock();  // on-path
    m1.lock();  // on-path
    m1.unlock();
    m2.unlock();
  }
 private:
  std::mutex m1, m2;
};
