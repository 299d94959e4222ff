// An unlock guard used inside the scope of a scoped guard, on one branch only and then again
// (SRT's CUDTGroup::sendBroadcast with its InvertedLock, written here without annotations): the
// lock it takes back at its end is the scoped guard's again, so after the branches join it is
// one hold, and the second unlock guard releases it on every path. Nothing taken inside the
// second one is ordered after the group lock.
#include <mutex>

class InvertedLock {
  std::mutex& m_mtx;

 public:
  explicit InvertedLock(std::mutex& m) : m_mtx(m) { m_mtx.unlock(); }
  ~InvertedLock() { m_mtx.lock(); }
};

std::mutex glob_control_lock;

struct Group {
  std::mutex group_lock;
  bool pending;
  void wait_for_sockets();

  void send_broadcast() {
    std::lock_guard<std::mutex> guard(group_lock);
    if (pending) {
      InvertedLock ug(group_lock);
      wait_for_sockets();
    }
    {
      InvertedLock ung(group_lock);
      glob_control_lock.lock();
    }
    // Here both are held, in the documented order: glob_control_lock, then group_lock.
    glob_control_lock.unlock();
  }
};

// The documented order, taken directly.
void close_group(Group& g) {
  std::lock_guard<std::mutex> global(glob_control_lock);
  std::lock_guard<std::mutex> group(g.group_lock);
}
