// A lock reached through a local copy of a pointer parameter (HawkNL's nlMutexLock copies its
// argument before locking it): each call locks the lock its caller passed, so taking two
// different locks through the same helper is no double-lock.
#include <pthread.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

void lock_it(pthread_mutex_t* mutex) {
  pthread_mutex_t* real = mutex;
  pthread_mutex_lock(real);
}

void unlock_it(pthread_mutex_t* mutex) {
  pthread_mutex_t* real = mutex;
  pthread_mutex_unlock(real);
}

void update() {
  lock_it(&table_lock);
  lock_it(&stats_lock);
  unlock_it(&stats_lock);
  unlock_it(&table_lock);
}
