// Positive 30: one lock member, reached directly in its own class's methods and through the
// member objects of other classes (`sock->m_UDT.m_ConnectionLock`, SRT's CUDTSocket and CUDT),
// is one lock class: the orders taken both ways make a cycle.
#include <mutex>

std::mutex glob_control_lock;

struct Core {
  std::mutex m_ConnectionLock;
  void connect() {
    std::lock_guard<std::mutex> cg(m_ConnectionLock);  // on-path
    std::lock_guard<std::mutex> glob(glob_control_lock);  // expect: lock-order-inversion
  }
};

struct Socket {
  Core m_UDT;
};

void check_broken_sockets(Socket* sock) {
  std::lock_guard<std::mutex> glob(glob_control_lock);  // on-path
  std::lock_guard<std::mutex> cg(sock->m_UDT.m_ConnectionLock);  // on-path
}
