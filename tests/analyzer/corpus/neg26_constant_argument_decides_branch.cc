// A function that branches on a parameter, called with a constant: only the branch the constant
// takes counts at that call. memcached's pause_threads(PAUSE_ALL) takes every background lock
// and pause_threads(RESUME_ALL) releases them (one switch, with fallthrough); its
// do_accept_new_conns calls maxconns_handler(-42, ...), whose `fd == -42 || ...` test never
// reaches the branch that takes conn_lock again.
#include <pthread.h>

static pthread_mutex_t rebalance_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t crawler_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t hang_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t maintenance_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;

enum pause_type { PAUSE_ALL, PAUSE_WORKERS, RESUME_ALL, RESUME_WORKERS };

void pause_threads(enum pause_type type) {
  switch (type) {
    case PAUSE_ALL:
      pthread_mutex_lock(&rebalance_lock);
      pthread_mutex_lock(&crawler_lock);
      [[fallthrough]];
    case PAUSE_WORKERS:
      pthread_mutex_lock(&hang_lock);
      break;
    case RESUME_ALL:
      pthread_mutex_unlock(&rebalance_lock);
      pthread_mutex_unlock(&crawler_lock);
      [[fallthrough]];
    case RESUME_WORKERS:
      pthread_mutex_unlock(&hang_lock);
      break;
  }
}

bool expanding, running;
void expand_table();

// Pauses everything around an expansion, with its own lock held (maintenance_lock before the
// background locks): nothing stays held after the resume, so retaking maintenance_lock at the
// top of the loop orders it after none of them.
void* maintenance_thread(void*) {
  pthread_mutex_lock(&maintenance_lock);
  while (running) {
    pthread_mutex_unlock(&maintenance_lock);
    pthread_mutex_lock(&maintenance_lock);
    if (expanding) {
      pause_threads(PAUSE_ALL);
      expand_table();
      pause_threads(RESUME_ALL);
    }
  }
  pthread_mutex_unlock(&maintenance_lock);
  return nullptr;
}

// The documented order, taken directly elsewhere.
void rebalance_now() {
  pthread_mutex_lock(&maintenance_lock);
  pthread_mutex_lock(&rebalance_lock);
  pthread_mutex_unlock(&rebalance_lock);
  pthread_mutex_unlock(&maintenance_lock);
}

bool allow_new_conns;
void accept_new_conns(bool do_accept);
void reschedule();

void maxconns_handler(int fd) {
  if (fd == -42 || !allow_new_conns) {
    reschedule();
  } else {
    accept_new_conns(true);
  }
}

// Called with conn_lock held.
void do_accept_new_conns(bool do_accept) {
  if (!do_accept) {
    allow_new_conns = false;
    maxconns_handler(-42);
  }
}

void accept_new_conns(bool do_accept) {
  pthread_mutex_lock(&conn_lock);
  do_accept_new_conns(do_accept);
  pthread_mutex_unlock(&conn_lock);
}
