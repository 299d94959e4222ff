// Positive 28: the constant a call passes decides the callee's branch, and the branch it takes
// does lock: still reported (the pruning removes only what the constant rules out).
#include <pthread.h>

static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
void reschedule();
void accept_new_conns(bool do_accept);

void maxconns_handler(int fd) {
  if (fd == -42) {
    reschedule();
  } else {
    accept_new_conns(true);  // on-path
  }
}

void do_accept_new_conns(bool do_accept) {
  if (!do_accept) maxconns_handler(7);  // on-path
}

void accept_new_conns(bool do_accept) {
  pthread_mutex_lock(&conn_lock);  // on-path
  do_accept_new_conns(do_accept);  // expect: double-lock
  pthread_mutex_unlock(&conn_lock);
}
