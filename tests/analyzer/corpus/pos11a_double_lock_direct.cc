// Positive 11: a non-recursive mutex locked twice directly.
#include <mutex>
std::mutex mu;
void twice() {
  mu.lock();  // on-path
  mu.lock();  // expect: double-lock
  mu.unlock();
  mu.unlock();
}
