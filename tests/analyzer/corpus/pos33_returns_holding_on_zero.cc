// Positive 33: a function that returns 0 with a lock held and an error without it (memcached's
// extstore_write_request hands the page back locked for the caller to fill): on the branch
// where the caller sees 0 it holds the lock, and what it takes there is ordered after it.
#include <pthread.h>

struct page {
  pthread_mutex_t mutex;
  bool full;
};
static page pages[16];
static pthread_mutex_t slabs_lock = PTHREAD_MUTEX_INITIALIZER;

int write_request(int bucket) {
  page* p = &pages[bucket];
  pthread_mutex_lock(&p->mutex);  // on-path
  if (p->full) {
    pthread_mutex_unlock(&p->mutex);
    return -1;
  }
  return 0;  // leaves the page locked for the caller
}

void write_done(int bucket) { pthread_mutex_unlock(&pages[bucket].mutex); }

void store(int bucket) {
  if (write_request(bucket) == 0) {  // on-path
    pthread_mutex_lock(&slabs_lock);  // expect: lock-order-inversion
    pthread_mutex_unlock(&slabs_lock);
    write_done(bucket);
  }
  // Failed: nothing is held, so this orders nothing after the page.
  pthread_mutex_lock(&slabs_lock);
  pthread_mutex_unlock(&slabs_lock);
}

void rebalance(int bucket) {
  pthread_mutex_lock(&slabs_lock);  // on-path
  pthread_mutex_lock(&pages[bucket].mutex);  // on-path
  pthread_mutex_unlock(&pages[bucket].mutex);
  pthread_mutex_unlock(&slabs_lock);
}
