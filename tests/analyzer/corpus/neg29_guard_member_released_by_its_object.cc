// A lock held through a guard member of a user's class (SRT's CUniqueSync: a UniqueLock member
// made by its constructor's initialiser), released for a while by an unlock guard in a loop and
// taken back: the object's destruction at the end of the function releases it, before the
// keeper declared first is destroyed and takes the group lock (SRT's CUDT::tsbpd). No
// recv_lock -> group_lock edge.
#include "shared/srt_sync.h"

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
