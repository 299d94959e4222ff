// A try-lock wrapper that returns a pointer to the lock it took, or null when the lock was busy
// (memcached's item_trylock), and an unlock wrapper given that pointer back: the caller holds
// the lock only on the branch where the pointer is not null, and the unlock through the
// pointer releases it. Nothing is held when the loop's next round takes the LRU lock.
#include <pthread.h>
#include <cstddef>

static pthread_mutex_t item_locks[1024];
static pthread_mutex_t lru_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

void* item_trylock(unsigned hv) {
  pthread_mutex_t* lock = &item_locks[hv & 1023];
  if (pthread_mutex_trylock(lock) == 0) return lock;
  return NULL;
}

void item_trylock_unlock(void* lock) { pthread_mutex_unlock((pthread_mutex_t*)lock); }

unsigned next_hash();
bool refcount_ok();

void pull_tail() {
  for (int tries = 0; tries < 5; tries++) {
    pthread_mutex_lock(&lru_lock);
    void* hold_lock = NULL;
    if ((hold_lock = item_trylock(next_hash())) == NULL) {
      pthread_mutex_unlock(&lru_lock);
      continue;
    }
    if (!refcount_ok()) {
      item_trylock_unlock(hold_lock);
      pthread_mutex_unlock(&lru_lock);
      continue;
    }
    item_trylock_unlock(hold_lock);
    pthread_mutex_unlock(&lru_lock);
    // Neither lock is held here.
    pthread_mutex_lock(&stats_lock);
    pthread_mutex_unlock(&stats_lock);
  }
}

// The stats lock before an item lock: an inversion only if pull_tail leaked the item lock.
void report(unsigned hv) {
  pthread_mutex_lock(&stats_lock);
  pthread_mutex_lock(&item_locks[hv & 1023]);
  pthread_mutex_unlock(&item_locks[hv & 1023]);
  pthread_mutex_unlock(&stats_lock);
}
