// Positive 31: an unlock guard without annotations (its constructor unlocks the mutex it is
// given, its destructor locks the reference member bound to it) takes the lock back at the end
// of its scope: what is taken afterwards is ordered after that lock again.
#include <mutex>

class InvertedLock {
  std::mutex& m_mtx;

 public:
  explicit InvertedLock(std::mutex& m) : m_mtx(m) { m_mtx.unlock(); }
  ~InvertedLock() { m_mtx.lock(); }  // on-path
};

std::mutex table_lock, stats_lock;
void slow_io();

void refresh() {
  std::lock_guard<std::mutex> guard(table_lock);
  {
    InvertedLock unlocked(table_lock);
    slow_io();
  }  // on-path
  std::lock_guard<std::mutex> stats(stats_lock);  // on-path
}

void report() {
  std::lock_guard<std::mutex> stats(stats_lock);  // on-path
  std::lock_guard<std::mutex> table(table_lock);  // expect: lock-order-inversion
}
