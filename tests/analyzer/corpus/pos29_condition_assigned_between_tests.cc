// Positive 29: the condition that decides the release is assigned between its two tests, so the
// second test may go the other way: the lock may still be held when the next one is taken.
#include <pthread.h>

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;
bool mode_flag;
bool compute();

void step() {
  pthread_mutex_lock(&first);  // on-path
  if (!mode_flag) pthread_mutex_unlock(&first);
  mode_flag = compute();
  if (mode_flag) pthread_mutex_unlock(&first);
  pthread_mutex_lock(&second);  // expect: lock-order-inversion
  pthread_mutex_unlock(&second);
}

void other() {
  pthread_mutex_lock(&second);
  pthread_mutex_lock(&first);
  pthread_mutex_unlock(&first);
  pthread_mutex_unlock(&second);
}
