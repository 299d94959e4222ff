// LevelDB's idiom: inside a scoped guard, the mutex is unlocked around slow work and locked again
// by hand; the guard releases it at the end. No double-lock, and nothing is held afterwards.
class __attribute__((capability("mutex"))) Mutex {
 public:
  void Lock() __attribute__((acquire_capability()));
  void Unlock() __attribute__((release_capability()));
};
class __attribute__((scoped_lockable)) MutexLock {
 public:
  explicit MutexLock(Mutex* mu) __attribute__((acquire_capability(mu))) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() __attribute__((release_capability())) { mu_->Unlock(); }
 private:
  Mutex* mu_;
};
class Db {
 public:
  void get() {
    MutexLock l(&mutex_);
    mutex_.Unlock();
    slow_read();
    mutex_.Lock();
  }
  void put() {
    get();
    get();
  }
 private:
  void slow_read() {}
  Mutex mutex_;
};
