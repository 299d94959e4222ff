// pthread condition-variable waits, interposed. A wait releases its mutex and takes it back
// before it returns: the runtime records the release and checks the re-acquisition against the
// locks still held, before the thread blocks (waiting adds no edge from the mutex itself). A
// thread that holds other locks while it waits is published, for the whole wait, as waiting for
// the mutex, which it cannot return without: a cycle through it is a deadlock.
#include <pthread.h>

#include "checked_lock.h"
#include "preload_init.h"
#include "real_pthread.h"
#include "shadow.h"

namespace lockorder::preload {
namespace {

template <class Wait>
int checked_wait(pthread_mutex_t* m, const Site& site, Wait wait_native) {
  bool published = false;
  {
    InsideRuntime inside;
    try {
      LockMeta& meta = *shadow_of(m).meta;
      if (internal::wait_at(meta, site)) {
        published = true;
        internal::begin_condition_wait(meta);
      }
    } catch (...) {
      // on_report=throw cannot cross a C interface: the report was printed, the wait goes on.
    }
  }
  const int rc = wait_native();
  if (published) {
    InsideRuntime inside;
    internal::end_blocked_wait();
  }
  return rc;
}

}  // namespace
}  // namespace lockorder::preload

using namespace lockorder::preload;

extern "C" {

LOCKORDER_EXPORT int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (from_runtime()) return real::cond_wait(c, m);
  ensure_initialized();
  return checked_wait(m, LOCKORDER_CALL_SITE(), [c, m] { return real::cond_wait(c, m); });
}

LOCKORDER_EXPORT int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m,
                                            const struct timespec* abstime) {
  if (from_runtime()) return real::cond_timedwait(c, m, abstime);
  ensure_initialized();
  return checked_wait(m, LOCKORDER_CALL_SITE(),
                      [c, m, abstime] { return real::cond_timedwait(c, m, abstime); });
}

LOCKORDER_EXPORT int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                                            const struct timespec* abstime) {
  if (from_runtime()) return real::cond_clockwait(c, m, clock, abstime);
  ensure_initialized();
  return checked_wait(m, LOCKORDER_CALL_SITE(), [c, m, clock, abstime] {
    return real::cond_clockwait(c, m, clock, abstime);
  });
}

}  // extern "C"
