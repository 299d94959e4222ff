/* A library the C scenarios load with dlopen: it nests its own lock outside the caller's. */
#include <pthread.h>

static pthread_mutex_t plugin_mu = PTHREAD_MUTEX_INITIALIZER;

pthread_mutex_t* plugin_lock(void) { return &plugin_mu; }

void plugin_work(pthread_mutex_t* caller_lock) {
  pthread_mutex_lock(&plugin_mu);
  pthread_mutex_lock(caller_lock);
  pthread_mutex_unlock(caller_lock);
  pthread_mutex_unlock(&plugin_mu);
}
