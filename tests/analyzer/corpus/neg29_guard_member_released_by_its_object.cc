// A lock held through a guard member of a user's class (SRT's CUniqueSync: a UniqueLock member
// made by its constructor's initialiser), released for a while by an unlock guard in a loop and
// taken back: the object's destruction at the end of the function releases it, before the
// keeper declared first is destroyed and takes the group lock (SRT's CUDT::tsbpd). No
// recv_lock -> group_lock edge.
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
struct Group { Mutex group_lock; void update(); };
struct Keeper {
  Group* group;
  ~Keeper() { if (group) { group->group_lock.lock(); group->group_lock.unlock(); } }
};
struct Core {
  Mutex recv_lock;
  bool running;
  Group* g;
  void tsbpd() {
    Keeper keeper;
    CUniqueSync sync(recv_lock);
    while (running) {
      if (keeper.group) {
        InvertedLock unrecv(recv_lock);
        keeper.group->update();
      }
    }
  }
  void recv() {
    g->group_lock.lock();
    recv_lock.lock();
    recv_lock.unlock();
    g->group_lock.unlock();
  }
};
