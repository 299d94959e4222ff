// pthread mutexes in C style.
#include <pthread.h>
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
void one(void) {
  pthread_mutex_lock(&a);
  pthread_mutex_lock(&b);  // expect: lock-order-inversion
  pthread_mutex_unlock(&b);
  pthread_mutex_unlock(&a);
}
void two(void) {
  pthread_mutex_lock(&b);
  pthread_mutex_lock(&a);  // on-path
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&b);
}
