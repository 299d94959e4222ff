// Positive 27: the same annotated unlock guard; the second lock taken outside its scope, while
// the first is held: still a cycle.
#include "shared/srt_sync.h"

struct Socket {
  Mutex conn;
};
Mutex group;
void send(Socket& s) {
  ScopedLock g(s.conn);
  {
    InvertedLock unlocked(s.conn);
  }
  ScopedLock gg(group);  // expect: lock-order-inversion
}
void close_group(Socket& s) {
  ScopedLock gg(group);
  ScopedLock g(s.conn);
}
