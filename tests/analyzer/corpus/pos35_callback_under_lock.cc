// Positive 35: observers notified while the subject's lock is held (POCO's notification
// deadlock). A callback the program shows (a function whose address is taken, of the pointer's
// signature) is followed: it takes the registry lock, which is taken elsewhere before the
// subject's lock, a cycle. A call through a pointer no function of the program matches is the
// opt-in rule callback-under-lock.
// options: --checks=*
#include <functional>
#include <mutex>

std::mutex subject_lock, registry_lock;

void on_change(int value);  // defined below; its address is taken in main_loop
void (*observer)(int) = nullptr;
std::function<void(const char*)> logger;

void notify(int value) {
  std::lock_guard<std::mutex> g(subject_lock);  // on-path
  observer(value);                              // on-path
  logger("changed");                            // expect: callback-under-lock
}

void on_change(int) {
  std::lock_guard<std::mutex> r(registry_lock);  // on-path
}

void register_observer() {
  std::lock_guard<std::mutex> r(registry_lock);  // on-path
  std::lock_guard<std::mutex> g(subject_lock);   // expect: lock-order-inversion
  observer = &on_change;
}
