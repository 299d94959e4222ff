// A guard in an inner block ends before the call that takes the lock again (LevelDB's
// CompactRange); taking it while the guard lives is a double-lock.
#include <mutex>
class Db {
 public:
  void compact_range() {
    {
      std::lock_guard l(mutex_);
      for (int i = 0; i < 3; ++i) touched_ += i;
    }
    compact_memtable();
  }
  void compact_all() {
    std::lock_guard l(mutex_);
    compact_memtable();  // expect: double-lock
  }
  void compact_memtable() {
    std::lock_guard l(mutex_);  // on-path
  }
 private:
  std::mutex mutex_;
  int touched_ = 0;
};
