/* pthread-level scenarios as a plain C program: mutex types, rwlock preferences, timed locks,
 * fork, threads that exit holding locks, a library loaded with dlopen. `c_scenarios NAME`. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;

static void lock_pair(pthread_mutex_t* outer, pthread_mutex_t* inner) {
  pthread_mutex_lock(outer);
  pthread_mutex_lock(inner);
  pthread_mutex_unlock(inner);
  pthread_mutex_unlock(outer);
}

static int errorcheck_double_lock(void) {
  pthread_mutexattr_t attr;
  pthread_mutex_t m;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m, &attr);
  pthread_mutex_lock(&m);
  int rc = pthread_mutex_lock(&m); /* fails with EDEADLK: reported, not fatal */
  printf("second lock: %s\n", rc == EDEADLK ? "EDEADLK" : strerror(rc));
  pthread_mutex_unlock(&m);
  pthread_mutex_destroy(&m);
  return 0;
}

static int recursive_then_other(void) {
  pthread_mutexattr_t attr;
  pthread_mutex_t r;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&r, &attr);
  pthread_mutex_lock(&r);
  pthread_mutex_lock(&r);
  pthread_mutex_lock(&a);
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&r);
  pthread_mutex_unlock(&r);
  lock_pair(&a, &r);
  return 0;
}

/* Readers queue behind a waiting writer on a writer-preferring rwlock. */
static pthread_rwlock_t table;
static void* reader_then_mutex(void* arg) {
  pthread_rwlock_rdlock(&table);
  pthread_barrier_wait(&barrier);
  pthread_mutex_lock(&a); /* held by the other reader */
  return arg;
}
static void* mutex_then_reader(void* arg) {
  pthread_mutex_lock(&a);
  pthread_barrier_wait(&barrier);
  usleep(300 * 1000);            /* let the writer queue */
  pthread_rwlock_rdlock(&table); /* behind the writer */
  return arg;
}
static void* writer(void* arg) {
  pthread_barrier_wait(&barrier);
  usleep(100 * 1000);
  pthread_rwlock_wrlock(&table); /* blocked by the first reader */
  return arg;
}
static int writer_preferring_deadlock(void) {
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  pthread_rwlock_init(&table, &attr);
  pthread_barrier_init(&barrier, NULL, 3);
  pthread_t t[3];
  pthread_create(&t[0], NULL, reader_then_mutex, NULL);
  pthread_create(&t[1], NULL, mutex_then_reader, NULL);
  pthread_create(&t[2], NULL, writer, NULL);
  for (int i = 0; i < 3; ++i) pthread_join(t[i], NULL);
  return 0;
}

/* Timed acquisitions in opposite orders time out: an inversion, never a deadlock. */
static void* timed_pair(void* arg) {
  pthread_mutex_t** locks = arg;
  pthread_mutex_lock(locks[0]);
  pthread_barrier_wait(&barrier);
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 200 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) deadline.tv_sec += 1, deadline.tv_nsec -= 1000000000;
  int rc = pthread_mutex_timedlock(locks[1], &deadline);
  printf("timedlock: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : strerror(rc));
  pthread_barrier_wait(&barrier);
  pthread_mutex_unlock(locks[0]);
  return NULL;
}
static int timed_inversion(void) {
  pthread_barrier_init(&barrier, NULL, 2);
  pthread_mutex_t* ab[2] = {&a, &b};
  pthread_mutex_t* ba[2] = {&b, &a};
  pthread_t t1, t2;
  pthread_create(&t1, NULL, timed_pair, ab);
  pthread_create(&t2, NULL, timed_pair, ba);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}

/* The child inherits the lock-order graph and keeps working, threads and all. */
static void* ordered_worker(void* arg) {
  for (int i = 0; i < 1000; ++i) lock_pair(&a, &b);
  return arg;
}
static int fork_child_keeps_working(void) {
  lock_pair(&a, &b);
  pid_t child = fork();
  if (child == 0) {
    pthread_t t;
    pthread_create(&t, NULL, ordered_worker, NULL);
    pthread_join(t, NULL);
    lock_pair(&b, &a); /* closes the cycle the parent started */
    exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}

/* Forks while other threads lock, learn new orders and create locks. */
static volatile int stop_busy;
static void* busy(void* arg) {
  while (!stop_busy) {
    pthread_mutex_t fresh;
    pthread_mutex_init(&fresh, NULL);
    lock_pair(&a, &fresh);
    lock_pair(&a, &b);
    pthread_mutex_destroy(&fresh);
  }
  return arg;
}
static void* fresh_worker(void* arg) {
  pthread_mutex_t x = PTHREAD_MUTEX_INITIALIZER, y = PTHREAD_MUTEX_INITIALIZER;
  for (int i = 0; i < 1000; ++i) lock_pair(&x, &y);
  return arg;
}
static int fork_while_busy(void) {
  pthread_t t[3];
  for (int i = 0; i < 3; ++i) pthread_create(&t[i], NULL, busy, NULL);
  int ok = 0;
  for (int i = 0; i < 40; ++i) {
    pid_t child = fork();
    if (child == 0) {
      /* Only the program's own locks may be held by threads that are gone (a and b): the
       * child uses fresh ones. lockorder's internal locks must all be usable here. */
      alarm(20);
      pthread_t w;
      pthread_create(&w, NULL, fresh_worker, NULL);
      pthread_join(w, NULL);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  stop_busy = 1;
  for (int i = 0; i < 3; ++i) pthread_join(t[i], NULL);
  printf("children ok: %d of 40\n", ok);
  return ok == 40 ? 0 : 1;
}

static void* lock_and_exit(void* arg) {
  pthread_mutex_lock(&a);
  pthread_mutex_lock(&b);
  return arg; /* exits holding both */
}
static int thread_exits_holding(void) {
  pthread_t t;
  pthread_create(&t, NULL, lock_and_exit, NULL);
  pthread_join(t, NULL);
  printf("trylock after the holder exited: %s\n",
         pthread_mutex_trylock(&a) == EBUSY ? "EBUSY" : "acquired");
  return 0;
}

/* A library loaded at run time takes its own lock, then the program's: the program takes
 * them the other way round. */
static int dlopen_inversion(const char* library) {
  void* handle = dlopen(library, RTLD_NOW);
  if (handle == NULL) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  void (*plugin_work)(pthread_mutex_t*) = (void (*)(pthread_mutex_t*))dlsym(handle, "plugin_work");
  pthread_mutex_t* (*plugin_lock)(void) =
      (pthread_mutex_t * (*)(void)) dlsym(handle, "plugin_lock");
  plugin_work(&a);
  lock_pair(&a, plugin_lock());
  return 0;
}

static int cond_timedwait_holding_other(void) {
  pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  pthread_mutex_lock(&b);
  pthread_mutex_lock(&a);
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 10 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) deadline.tv_sec += 1, deadline.tv_nsec -= 1000000000;
  pthread_cond_timedwait(&cv, &a, &deadline); /* re-takes a while holding b */
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&b);
  lock_pair(&a, &b);
  return 0;
}

/* A thread waits on a condition variable while it holds b; the main thread takes the wait's mutex
 * a, then b. The waiter can only return by taking a back, signalled or not: a deadlock. */
static pthread_cond_t never_signalled = PTHREAD_COND_INITIALIZER;
static int waiting; /* under a */
static void* wait_holding_b(void* arg) {
  (void)arg;
  pthread_mutex_lock(&b);
  pthread_mutex_lock(&a);
  waiting = 1;
  while (waiting) pthread_cond_wait(&never_signalled, &a);
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&b);
  return NULL;
}
static int cond_wait_deadlock(void) {
  pthread_t waiter;
  pthread_create(&waiter, NULL, wait_holding_b, NULL);
  for (;;) { /* a is free again once the waiter is inside its wait */
    pthread_mutex_lock(&a);
    if (waiting) break;
    pthread_mutex_unlock(&a);
    usleep(1000);
  }
  pthread_mutex_lock(&b);
  puts("finished");
  return 0;
}

/* A used mutex copied bytewise to another address (its tag with it) is a new lock there: taking
 * the copy the other way round is no inversion; taking the original so is. */
struct account {
  pthread_mutex_t mu;
  long balance;
};
static int copied_lock(int take_original) {
  struct account* original = malloc(sizeof *original);
  struct account* copy = malloc(sizeof *copy);
  pthread_mutex_init(&original->mu, NULL);
  original->balance = 0;
  lock_pair(&original->mu, &a);
  memcpy(copy, original, sizeof *copy);
  lock_pair(&a, take_original ? &original->mu : &copy->mu);
  free(copy);
  free(original);
  return 0;
}

/* A held mutex destroyed (EBUSY), then its memory made into a new mutex and locked: natively
 * this runs to the end. */
static int destroy_held(void) {
  pthread_mutex_t* m = malloc(sizeof *m);
  pthread_mutex_init(m, NULL);
  pthread_mutex_lock(m);
  int rc = pthread_mutex_destroy(m);
  printf("destroy: %s\n", rc == EBUSY ? "EBUSY" : strerror(rc));
  pthread_mutex_init(m, NULL);
  lock_pair(m, &a);
  pthread_mutex_lock(m);
  pthread_mutex_unlock(m);
  free(m);
  puts("finished");
  return 0;
}

/* A held mutex's memory wiped and initialized again without a destroy (the runtime cannot see it
 * end), then locked. */
static int reinit_held(void) {
  pthread_mutex_t* m = malloc(sizeof *m);
  pthread_mutex_init(m, NULL);
  pthread_mutex_lock(m);
  memset(m, 0, sizeof *m);
  pthread_mutex_init(m, NULL);
  pthread_mutex_lock(m);
  pthread_mutex_unlock(m);
  free(m);
  puts("finished");
  return 0;
}

/* A mutex used as a binary semaphore: locked by one thread, unlocked by another (glibc lets a
 * normal mutex go), then locked again by the first. */
static void* unlock_a(void* arg) {
  (void)arg;
  pthread_mutex_unlock(&a);
  return NULL;
}
static int foreign_unlock(void) {
  pthread_t t;
  pthread_mutex_lock(&a);
  pthread_create(&t, NULL, unlock_a, NULL);
  pthread_join(t, NULL);
  pthread_mutex_lock(&a);
  pthread_mutex_unlock(&a);
  puts("finished");
  return 0;
}

/* Threads numbered by creation: "first" is created first but locks last. */
static pthread_barrier_t second_done;
static void* first_thread(void* arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "first");
  pthread_barrier_wait(&second_done);
  lock_pair(&b, &a);
  return NULL;
}
static void* second_thread(void* arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "second");
  lock_pair(&a, &b);
  pthread_barrier_wait(&second_done);
  return NULL;
}
static int numbered_by_creation(void) {
  pthread_t first, second;
  pthread_barrier_init(&second_done, NULL, 2);
  pthread_create(&first, NULL, first_thread, NULL);
  pthread_create(&second, NULL, second_thread, NULL);
  pthread_join(first, NULL);
  pthread_join(second, NULL);
  return 0;
}

/* pigz's shape: a pool lock and a lock in every buffer, taken in both orders by the same code. */
__attribute__((noinline)) static void buffer_lock_init(pthread_mutex_t* lock) {
  if (pthread_mutex_init(lock, NULL) != 0) abort(); /* (not a tail call: a frame of its own) */
}
static int pool_of_buffers(void) {
  pthread_mutex_t* buffers = malloc(10 * sizeof *buffers);
  for (int i = 0; i < 10; ++i) buffer_lock_init(&buffers[i]);
  for (int i = 0; i < 10; ++i) {
    lock_pair(&a, &buffers[i]);
    lock_pair(&buffers[i], &a);
  }
  for (int i = 0; i < 10; ++i) pthread_mutex_destroy(&buffers[i]);
  free(buffers);
  return 0;
}

/* W1: the main thread joins a worker while it holds the lock the worker waits for; the worker
 * blocks first (`late` 0) or after the join began (`late` 1). W7: the same join holding nothing. */
static int worker_late;
static void* lock_a_once(void* arg) {
  (void)arg;
  if (worker_late) usleep(100000);
  pthread_mutex_lock(&a);
  pthread_mutex_unlock(&a);
  return NULL;
}
static int join_under_lock(int late, int holding) {
  pthread_t worker;
  worker_late = late;
  pthread_mutex_lock(&a);
  pthread_create(&worker, NULL, lock_a_once, NULL);
  if (!late) usleep(100000); /* the worker is blocked on a by now */
  if (!holding) pthread_mutex_unlock(&a);
  pthread_join(worker, NULL);
  if (holding) pthread_mutex_unlock(&a);
  puts("finished");
  return 0;
}

/* W2: the main thread waits on a semaphore while it holds the lock that the semaphore's only
 * releaser (it posted once before) takes before it posts again. W7: the same semaphore counted
 * with no lock around it. */
static sem_t ready;
static void* post_twice(void* arg) {
  (void)arg;
  sem_post(&ready);
  usleep(50000);
  pthread_mutex_lock(&a);
  sem_post(&ready);
  pthread_mutex_unlock(&a);
  return NULL;
}
static int semaphore_wait(int holding) {
  pthread_t worker;
  sem_init(&ready, 0, 0);
  pthread_create(&worker, NULL, post_twice, NULL);
  sem_wait(&ready);
  if (holding) pthread_mutex_lock(&a);
  usleep(100000); /* the worker is blocked on a by now, if it is held */
  sem_wait(&ready);
  if (holding) pthread_mutex_unlock(&a);
  pthread_join(worker, NULL);
  sem_destroy(&ready);
  puts("finished");
  return 0;
}

/* W7: the same semaphore waited for with a timeout under the lock: it times out, no deadlock. */
static int semaphore_timed_wait(void) {
  pthread_t worker;
  struct timespec until;
  int rc;
  sem_init(&ready, 0, 0);
  pthread_create(&worker, NULL, post_twice, NULL);
  sem_wait(&ready);
  pthread_mutex_lock(&a);
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += 200000000; /* 200 ms: the worker is blocked on a by then */
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec += 1;
    until.tv_nsec -= 1000000000;
  }
  rc = sem_timedwait(&ready, &until);
  pthread_mutex_unlock(&a);
  pthread_join(worker, NULL);
  sem_destroy(&ready);
  printf("finished, %s\n", rc != 0 && errno == ETIMEDOUT ? "timed out" : "not timed out");
  return 0;
}

/* W3: the main thread arrives at a barrier while it holds the lock that the other participant
 * takes before it arrives. W7: the same barrier with no lock held around the wait. */
static pthread_barrier_t step;
static void* lock_then_arrive(void* arg) {
  (void)arg;
  pthread_mutex_lock(&a);
  pthread_mutex_unlock(&a);
  pthread_barrier_wait(&step);
  return NULL;
}
static int barrier_wait(int holding) {
  pthread_t worker;
  pthread_barrier_init(&step, NULL, 2);
  if (holding) pthread_mutex_lock(&a);
  pthread_create(&worker, NULL, lock_then_arrive, NULL);
  usleep(100000); /* the worker is blocked on a by now, if it is held */
  pthread_barrier_wait(&step);
  if (holding) pthread_mutex_unlock(&a);
  pthread_join(worker, NULL);
  pthread_barrier_destroy(&step);
  puts("finished");
  return 0;
}

int main(int argc, char** argv) {
  const char* name = argc >= 2 ? argv[1] : "";
  if (strcmp(name, "errorcheck_double_lock") == 0) return errorcheck_double_lock();
  if (strcmp(name, "recursive_then_other") == 0) return recursive_then_other();
  if (strcmp(name, "writer_preferring_deadlock") == 0) return writer_preferring_deadlock();
  if (strcmp(name, "timed_inversion") == 0) return timed_inversion();
  if (strcmp(name, "fork_child_keeps_working") == 0) return fork_child_keeps_working();
  if (strcmp(name, "fork_while_busy") == 0) return fork_while_busy();
  if (strcmp(name, "thread_exits_holding") == 0) return thread_exits_holding();
  if (strcmp(name, "dlopen_inversion") == 0 && argc == 3) return dlopen_inversion(argv[2]);
  if (strcmp(name, "cond_timedwait_holding_other") == 0) return cond_timedwait_holding_other();
  if (strcmp(name, "cond_wait_deadlock") == 0) return cond_wait_deadlock();
  if (strcmp(name, "copied_lock") == 0) return copied_lock(0);
  if (strcmp(name, "copied_lock_original") == 0) return copied_lock(1);
  if (strcmp(name, "destroy_held") == 0) return destroy_held();
  if (strcmp(name, "reinit_held") == 0) return reinit_held();
  if (strcmp(name, "foreign_unlock") == 0) return foreign_unlock();
  if (strcmp(name, "numbered_by_creation") == 0) return numbered_by_creation();
  if (strcmp(name, "pool_of_buffers") == 0) return pool_of_buffers();
  if (strcmp(name, "join_under_lock") == 0) return join_under_lock(0, 1);
  if (strcmp(name, "join_under_lock_late") == 0) return join_under_lock(1, 1);
  if (strcmp(name, "join_holding_nothing") == 0) return join_under_lock(0, 0);
  if (strcmp(name, "semaphore_under_lock") == 0) return semaphore_wait(1);
  if (strcmp(name, "semaphore_holding_nothing") == 0) return semaphore_wait(0);
  if (strcmp(name, "semaphore_timed_wait") == 0) return semaphore_timed_wait();
  if (strcmp(name, "barrier_under_lock") == 0) return barrier_wait(1);
  if (strcmp(name, "barrier_holding_nothing") == 0) return barrier_wait(0);
  if (strcmp(name, "double_lock_in_main") == 0) { /* taken in main itself, still running */
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&a);
  }
  fprintf(stderr, "usage: c_scenarios NAME [LIBRARY]\n");
  return 2;
}
