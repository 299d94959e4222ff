// pthread condition-variable waits, interposed. A wait releases its mutex and takes it back
// before it returns: the runtime records the release and checks the re-acquisition against the
// locks still held, before the thread blocks (waiting adds no edge from the mutex itself).
#include <pthread.h>

#include "checked_lock.h"
#include "preload_init.h"
#include "real_pthread.h"
#include "shadow.h"

namespace lockorder::preload {
namespace {

void before_wait(pthread_mutex_t* m, const Site& site) {
  InsideRuntime inside;
  try {
    internal::wait_at(*shadow_of(m).meta, site);
  } catch (...) {
    // on_report=throw cannot cross a C interface: the report was printed, the wait goes on.
  }
}

}  // namespace
}  // namespace lockorder::preload

using namespace lockorder::preload;

extern "C" {

LOCKORDER_EXPORT int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (from_runtime()) return real::cond_wait(c, m);
  ensure_initialized();
  before_wait(m, LOCKORDER_CALL_SITE());
  return real::cond_wait(c, m);
}

LOCKORDER_EXPORT int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m,
                                            const struct timespec* abstime) {
  if (from_runtime()) return real::cond_timedwait(c, m, abstime);
  ensure_initialized();
  before_wait(m, LOCKORDER_CALL_SITE());
  return real::cond_timedwait(c, m, abstime);
}

LOCKORDER_EXPORT int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                                            const struct timespec* abstime) {
  if (from_runtime()) return real::cond_clockwait(c, m, clock, abstime);
  ensure_initialized();
  before_wait(m, LOCKORDER_CALL_SITE());
  return real::cond_clockwait(c, m, clock, abstime);
}

}  // extern "C"
