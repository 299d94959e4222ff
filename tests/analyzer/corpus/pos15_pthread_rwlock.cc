// pthread rwlocks: a read lock then a write lock, and the reverse.
#include <pthread.h>
pthread_rwlock_t index_lock = PTHREAD_RWLOCK_INITIALIZER;
pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
void lookup() {
  pthread_rwlock_rdlock(&index_lock);
  pthread_rwlock_wrlock(&table_lock);  // expect: lock-order-inversion
  pthread_rwlock_unlock(&table_lock);
  pthread_rwlock_unlock(&index_lock);
}
void rebuild() {
  pthread_rwlock_wrlock(&table_lock);
  pthread_rwlock_rdlock(&index_lock);  // on-path
  pthread_rwlock_unlock(&index_lock);
  pthread_rwlock_unlock(&table_lock);
}
