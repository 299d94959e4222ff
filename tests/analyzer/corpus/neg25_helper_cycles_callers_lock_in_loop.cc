// A background thread waits on its mutex in a loop and calls a helper that, on some iterations
// only, drops that mutex around slow work and takes it back (memcached's LRU crawler). The
// helper restores its caller's hold: no double-lock at the next wait, no lock held twice.
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t crawler_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t crawler_cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
bool running, slow;
int pending;
bool next_bucket();

static void crawl_buckets() {
  while (next_bucket()) {
    if (slow) {
      pthread_mutex_unlock(&crawler_lock);
      usleep(10);
      pthread_mutex_lock(&crawler_lock);
    }
  }
}

void* crawler_thread(void*) {
  pthread_mutex_lock(&crawler_lock);
  while (running) {
    pthread_cond_wait(&crawler_cond, &crawler_lock);
    if (pending == -1) crawl_buckets();
  }
  pthread_mutex_unlock(&crawler_lock);
  // Nothing is held here: taking the stats lock orders nothing after the crawler's lock.
  pthread_mutex_lock(&stats_lock);
  pthread_mutex_unlock(&stats_lock);
  return nullptr;
}

void report_stats() {
  pthread_mutex_lock(&stats_lock);
  pthread_mutex_lock(&crawler_lock);
  pthread_mutex_unlock(&crawler_lock);
  pthread_mutex_unlock(&stats_lock);
}
