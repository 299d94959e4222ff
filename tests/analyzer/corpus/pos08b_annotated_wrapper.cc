// Positive 8: a guard built on a mutex wrapper annotated with Clang's thread-safety attributes,
// in the style of LevelDB's port::Mutex and MutexLock.
#include <mutex>
class __attribute__((capability("mutex"))) Mutex {
 public:
  void Lock() __attribute__((acquire_capability())) { mu_.lock(); }
  void Unlock() __attribute__((release_capability())) { mu_.unlock(); }
 private:
  std::mutex mu_;
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
  void write() {
    MutexLock l(&db_mu_);
    MutexLock c(&cache_mu_);  // on-path
  }
  void compact() {
    MutexLock c(&cache_mu_);
    MutexLock l(&db_mu_);  // expect: lock-order-inversion
  }
 private:
  Mutex cache_mu_, db_mu_;
};
