// A virtual call reaches the overrider that takes the other lock.
#include <mutex>
std::mutex a, b;
struct Listener {
  virtual ~Listener() = default;
  virtual void on_event() = 0;
};
struct Logger : Listener {
  void on_event() override {
    std::lock_guard g(b);  // on-path
  }
};
void dispatch(Listener& l) {
  std::lock_guard g(a);
  l.on_event();  // expect: lock-order-inversion
}
void flush() {
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
