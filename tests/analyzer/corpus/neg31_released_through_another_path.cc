// A lock handed back locked through one path and unlocked through another that the analysis
// cannot compare with it (memcached's extstore: extstore_write_request leaves `p->mutex`
// locked, p a page it looked up; extstore_write unlocks `e->pages[io->page_id].mutex`): the
// unlock releases the lock of that class, so nothing after it is ordered after the page.
#include <pthread.h>

struct page {
  pthread_mutex_t mutex;
  bool full;
};
struct engine {
  page pages[16];
  page* buckets[4];
};
struct obj_io {
  int page_id;
};
static pthread_mutex_t slabs_lock = PTHREAD_MUTEX_INITIALIZER;
page* allocate_page(engine* e, int bucket);

int write_request(engine* e, int bucket, obj_io* io) {
  page* p = e->buckets[bucket];
  if (!p) p = allocate_page(e, bucket);
  if (!p) return -1;
  pthread_mutex_lock(&p->mutex);
  if (p->full) {
    pthread_mutex_unlock(&p->mutex);
    return -1;
  }
  io->page_id = 3;
  return 0;  // leaves the page locked for the caller
}

void write_done(engine* e, obj_io* io) { pthread_mutex_unlock(&e->pages[io->page_id].mutex); }

void store(engine* e, int bucket) {
  obj_io io;
  if (write_request(e, bucket, &io) == 0) write_done(e, &io);
  pthread_mutex_lock(&slabs_lock);
  pthread_mutex_unlock(&slabs_lock);
}

void rebalance(engine* e, int id) {
  pthread_mutex_lock(&slabs_lock);
  pthread_mutex_lock(&e->pages[id].mutex);
  pthread_mutex_unlock(&e->pages[id].mutex);
  pthread_mutex_unlock(&slabs_lock);
}
