// The result of a try-lock wrapper tested twice (memcached's hash expansion:
// `if ((item_lock = item_trylock(b))) {...} else usleep(); if (item_lock) unlock(item_lock);`):
// the second test goes the way the first went, so the lock is released on every path and
// nothing taken afterwards is ordered after it.
#include <pthread.h>
#include <unistd.h>
#include <cstddef>

static pthread_mutex_t item_locks[64];
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

void* item_trylock(unsigned hv) {
  pthread_mutex_t* lock = &item_locks[hv & 63];
  if (pthread_mutex_trylock(lock) == 0) return lock;
  return NULL;
}
void item_trylock_unlock(void* lock) { pthread_mutex_unlock((pthread_mutex_t*)lock); }
void move_bucket(unsigned bucket);

void expand(unsigned buckets) {
  for (unsigned b = 0; b < buckets; b++) {
    void* item_lock = NULL;
    if ((item_lock = item_trylock(b))) {
      move_bucket(b);
    } else {
      usleep(10);
    }
    if (item_lock) {
      item_trylock_unlock(item_lock);
      item_lock = NULL;
    }
    pthread_mutex_lock(&stats_lock);
    pthread_mutex_unlock(&stats_lock);
  }
}

void report(unsigned hv) {
  pthread_mutex_lock(&stats_lock);
  pthread_mutex_lock(&item_locks[hv & 63]);
  pthread_mutex_unlock(&item_locks[hv & 63]);
  pthread_mutex_unlock(&stats_lock);
}
