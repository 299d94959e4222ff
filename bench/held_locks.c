/* One thread holding many locks at once: N mutexes taken in order, released (last first, or
 * first first), taken again and released, ROUNDS times. Plain pthread code, timed natively and
 * under lockorder-run by bench/held_locks.sh. Usage: held_locks N [lifo|fifo] [ROUNDS] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void* nothing(void* arg) { return arg; }

int main(int argc, char** argv) {
  const long n = argc > 1 ? atol(argv[1]) : 50000;
  const int fifo = argc > 2 && strcmp(argv[2], "fifo") == 0;
  const int rounds = argc > 3 ? atoi(argv[3]) : 2;
  if (n <= 0 || rounds <= 0) {
    fprintf(stderr, "usage: held_locks N [lifo|fifo] [ROUNDS]\n");
    return 2;
  }
  /* glibc skips atomic operations until a second thread has existed. */
  pthread_t thread;
  pthread_create(&thread, NULL, nothing, NULL);
  pthread_join(thread, NULL);
  pthread_mutex_t* locks = malloc(sizeof *locks * (size_t)n);
  for (long i = 0; i < n; ++i) pthread_mutex_init(&locks[i], NULL);
  for (int round = 0; round < rounds; ++round) {
    for (long i = 0; i < n; ++i) pthread_mutex_lock(&locks[i]);
    for (long i = 0; i < n; ++i) pthread_mutex_unlock(&locks[fifo ? i : n - 1 - i]);
  }
  for (long i = 0; i < n; ++i) pthread_mutex_destroy(&locks[i]);
  free(locks);
  printf("held %ld locks at once, %d rounds, %s release\n", n, rounds, fifo ? "fifo" : "lifo");
  return 0;
}
