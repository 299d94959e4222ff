// Positive 25: a reference member bound to another object's lock is that lock, not a lock class
// of its own (one lock must not become two classes).
#include <mutex>
struct Engine {
  std::mutex mu;
};
std::mutex stats_mu;
struct Session {
  explicit Session(Engine& e) : mu(e.mu) {}
  void send() {
    std::lock_guard g(mu);
    std::lock_guard s(stats_mu);  // expect: lock-order-inversion
  }
  std::mutex& mu;
};
void report(Engine& engine) {
  std::lock_guard s(stats_mu);
  std::lock_guard g(engine.mu);
}
