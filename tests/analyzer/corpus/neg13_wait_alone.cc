// Waiting on a condition variable alone releases the mutex: no edge from it.
#include <condition_variable>
#include <mutex>
std::mutex m, other;
std::condition_variable cv;
bool ready = false;
void consumer() {
  std::unique_lock<std::mutex> lm(m);
  cv.wait(lm, [] { return ready; });
}
void producer() {
  std::lock_guard lo(other);
  std::lock_guard lm(m);
}
