// Negative 22: an unlock guard annotated as SRT's InvertedLock is (release_capability on its
// constructor, acquire_capability on its destructor) releases the caller's lock for its scope:
// what is taken there is not ordered after that lock.
#include <pthread.h>
#define CAPABILITY(x) __attribute__((capability(x)))
#define ACQUIRE(...) __attribute__((acquire_capability(__VA_ARGS__)))
#define RELEASE(...) __attribute__((release_capability(__VA_ARGS__)))
#define SCOPED __attribute__((scoped_lockable))
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { pthread_mutex_lock(&m_); }
  void unlock() RELEASE() { pthread_mutex_unlock(&m_); }

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
class InvertedLock {
 public:
  explicit InvertedLock(Mutex& m) RELEASE(m) : m_(m) { m_.unlock(); }
  ~InvertedLock() ACQUIRE(m_) { m_.lock(); }

 private:
  Mutex& m_;
};
struct Socket {
  Mutex conn;
};
Mutex group;
void send(Socket& s) {
  ScopedLock g(s.conn);
  {
    InvertedLock unlocked(s.conn);
    ScopedLock gg(group);
  }
}
void close_group(Socket& s) {
  ScopedLock gg(group);
  ScopedLock g(s.conn);
}
