// A wait on m while g is held takes m back with g held; elsewhere m then g.
#include <condition_variable>
#include <mutex>
std::mutex g, m;
std::condition_variable cv;
bool ready = false;
void consumer() {
  std::unique_lock<std::mutex> lm(m);
  std::lock_guard lg(g);  // on-path
  cv.wait(lm, [] { return ready; });  // expect: lock-order-inversion
}
void producer() {
  std::lock_guard lg(g);
  std::lock_guard lm(m);  // on-path
}
