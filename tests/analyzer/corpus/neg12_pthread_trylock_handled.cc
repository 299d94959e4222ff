// pthread_mutex_trylock with its failure handled: no edge into the tried lock.
#include <pthread.h>
pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
int one() {
  pthread_mutex_lock(&a);
  if (pthread_mutex_trylock(&b) != 0) {
    pthread_mutex_unlock(&a);
    return -1;
  }
  pthread_mutex_unlock(&b);
  pthread_mutex_unlock(&a);
  return 0;
}
void two() {
  pthread_mutex_lock(&b);
  pthread_mutex_lock(&a);
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&b);
}
