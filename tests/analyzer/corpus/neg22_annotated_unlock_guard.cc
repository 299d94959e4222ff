// Negative 22: an unlock guard annotated as SRT's InvertedLock is (release_capability on its
// constructor, acquire_capability on its destructor) releases the caller's lock for its scope:
// what is taken there is not ordered after that lock.
#include "shared/srt_sync.h"

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
