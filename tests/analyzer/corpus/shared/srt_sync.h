// SRT's lock wrappers (srtcore/sync.h), cut down to their shapes and Clang thread-safety
// annotations: an annotated Mutex, the scoped ScopedLock and UniqueLock, CSync/CUniqueSync holding a UniqueLock
// member, and the InvertedLock unlock guard. Shared by the corpus cases that model SRT's code.
#pragma once
#include <pthread.h>
#define CAPABILITY(x) __attribute__((capability(x)))
#define ACQUIRE(...) __attribute__((acquire_capability(__VA_ARGS__)))
#define RELEASE(...) __attribute__((release_capability(__VA_ARGS__)))
#define SCOPED __attribute__((scoped_lockable))
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE();
  void unlock() RELEASE();
 private:
  pthread_mutex_t m_;
};
class SCOPED ScopedLock {
 public:
  explicit ScopedLock(Mutex& m) ACQUIRE(m) : m_(m) { m_.lock(); }
  ~ScopedLock() RELEASE() { m_.unlock(); }

 private:
  Mutex& m_;
};
class SCOPED UniqueLock {
  int m_iLocked;
  Mutex& m_Mutex;
 public:
  explicit UniqueLock(Mutex& m) ACQUIRE(m);
  ~UniqueLock() RELEASE();
};
class CSync {
 protected:
  UniqueLock* m_locker;
 public:
  CSync(UniqueLock& g) : m_locker(&g) {}
};
class CUniqueSync : public CSync {
  UniqueLock m_ulock;
 public:
  CUniqueSync(Mutex& mut) : CSync(m_ulock), m_ulock(mut) {}
};
class InvertedLock {
  Mutex& m_mtx;
 public:
  explicit InvertedLock(Mutex& m) RELEASE(m) : m_mtx(m) { m_mtx.unlock(); }
  ~InvertedLock() ACQUIRE(m_mtx) { m_mtx.lock(); }
};
