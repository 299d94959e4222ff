// Positive 12: a declared order (ACQUIRED_BEFORE / ACQUIRED_AFTER) violated in one function.
#include <mutex>
class __attribute__((capability("mutex"))) Mutex {
 public:
  void Lock() __attribute__((acquire_capability()));
  void Unlock() __attribute__((release_capability()));
};
class Service {
 public:
  void bad() {
    state_.Lock();
    io_.Lock();  // expect: lock-hierarchy
    io_.Unlock();
    state_.Unlock();
  }
 private:
  Mutex io_;
  Mutex state_ __attribute__((acquired_after(io_)));
};
