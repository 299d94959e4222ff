// A lock from an array, taken at the top of a loop body and released on every path of it, is
// not held at the loop head, even when the release is split over two tests of one condition:
// `if (!c) unlock(); work(); if (c) unlock();` (memcached's LRU crawler and its `needs_lock`
// module flag). Retaking the crawler's own lock at the end of the body orders it after no LRU
// lock (which would be a false cycle with the body's own crawler_lock -> lru_locks).
#include <pthread.h>

static pthread_mutex_t lru_locks[64];
static pthread_mutex_t crawler_lock = PTHREAD_MUTEX_INITIALIZER;

struct module {
  bool needs_lock;
  void (*eval)(int);
};
struct crawler_state {
  module* mod;
};
static crawler_state active;

void crawl_classes() {
  pthread_mutex_lock(&crawler_lock);
  for (int i = 0; i < 64; i++) {
    pthread_mutex_lock(&lru_locks[i]);
    if (!active.mod->needs_lock) pthread_mutex_unlock(&lru_locks[i]);
    active.mod->eval(i);
    if (active.mod->needs_lock) pthread_mutex_unlock(&lru_locks[i]);
    pthread_mutex_unlock(&crawler_lock);
    pthread_mutex_lock(&crawler_lock);
  }
  pthread_mutex_unlock(&crawler_lock);
}
