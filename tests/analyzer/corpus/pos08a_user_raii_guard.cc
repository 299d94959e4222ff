// Positive 8: a user-defined RAII guard (lock in the constructor, unlock in the destructor).
#include <mutex>
class Hold {
 public:
  explicit Hold(std::mutex& m) : m_(m) { m_.lock(); }
  ~Hold() { m_.unlock(); }
 private:
  std::mutex& m_;
};
std::mutex a, b;
void one() {
  Hold ha(a);
  Hold hb(b);  // expect: lock-order-inversion
}
void two() {
  Hold hb(b);
  Hold ha(a);
}
