// Positive 32: a lock held through a guard member of a user's class (a UniqueLock member made by
// the constructor's initialiser) is held while the object lives: what is taken meanwhile is
// ordered after it.
#include "shared/srt_sync.h"

Mutex table_lock, stats_lock;

void refresh() {
  CUniqueSync sync(table_lock);  // on-path
  stats_lock.lock();             // on-path
  stats_lock.unlock();
}

void report() {
  stats_lock.lock();  // on-path
  table_lock.lock();  // expect: lock-order-inversion
  table_lock.unlock();
  stats_lock.unlock();
}
