// pthread rwlock functions, interposed: checked, then passed to the C library.
#include <pthread.h>

#include "checked_lock.h"
#include "preload_init.h"
#include "real_pthread.h"
#include "shadow.h"

namespace lockorder::preload {
namespace {

LockMeta* existing_rwlock_shadow(pthread_rwlock_t* l) { return existing_shadow(l); }

}  // namespace
}  // namespace lockorder::preload

using namespace lockorder::preload;
using lockorder::internal::kBlocking;

extern "C" {

LOCKORDER_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  if (from_runtime()) return real::rwlock_rdlock(l);
  ensure_initialized();
  return checked_lock(l, Mode::shared, kBlocking, LOCKORDER_CALL_SITE(), real::rwlock_tryrdlock,
                      real::rwlock_rdlock);
}

LOCKORDER_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  if (from_runtime()) return real::rwlock_wrlock(l);
  ensure_initialized();
  return checked_lock(l, Mode::exclusive, kBlocking, LOCKORDER_CALL_SITE(), real::rwlock_trywrlock,
                      real::rwlock_wrlock);
}

LOCKORDER_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t* l) {
  if (from_runtime()) return real::rwlock_tryrdlock(l);
  ensure_initialized();
  return checked_try_lock(l, Mode::shared, LOCKORDER_CALL_SITE(), real::rwlock_tryrdlock);
}

LOCKORDER_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t* l) {
  if (from_runtime()) return real::rwlock_trywrlock(l);
  ensure_initialized();
  return checked_try_lock(l, Mode::exclusive, LOCKORDER_CALL_SITE(), real::rwlock_trywrlock);
}

LOCKORDER_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t* l,
                                                const struct timespec* abstime) {
  if (from_runtime()) return real::rwlock_timedrdlock(l, abstime);
  ensure_initialized();
  return checked_timed_lock(l, Mode::shared, LOCKORDER_CALL_SITE(), [abstime](pthread_rwlock_t* o) {
    return real::rwlock_timedrdlock(o, abstime);
  });
}

LOCKORDER_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t* l,
                                                const struct timespec* abstime) {
  if (from_runtime()) return real::rwlock_timedwrlock(l, abstime);
  ensure_initialized();
  return checked_timed_lock(
      l, Mode::exclusive, LOCKORDER_CALL_SITE(),
      [abstime](pthread_rwlock_t* o) { return real::rwlock_timedwrlock(o, abstime); });
}

LOCKORDER_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t clock,
                                                const struct timespec* abstime) {
  if (from_runtime()) return real::rwlock_clockrdlock(l, clock, abstime);
  ensure_initialized();
  return checked_timed_lock(l, Mode::shared, LOCKORDER_CALL_SITE(),
                            [clock, abstime](pthread_rwlock_t* o) {
                              return real::rwlock_clockrdlock(o, clock, abstime);
                            });
}

LOCKORDER_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t clock,
                                                const struct timespec* abstime) {
  if (from_runtime()) return real::rwlock_clockwrlock(l, clock, abstime);
  ensure_initialized();
  return checked_timed_lock(l, Mode::exclusive, LOCKORDER_CALL_SITE(),
                            [clock, abstime](pthread_rwlock_t* o) {
                              return real::rwlock_clockwrlock(o, clock, abstime);
                            });
}

LOCKORDER_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  if (from_runtime()) return real::rwlock_unlock(l);
  return checked_unlock(l, existing_rwlock_shadow, LOCKORDER_CALL_SITE(), real::rwlock_unlock);
}

LOCKORDER_EXPORT int pthread_rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t* attr) {
  if (from_runtime()) return real::rwlock_init(l, attr);
  const Site site = LOCKORDER_CALL_SITE();
  end_lock_life(l, site);
  const int rc = real::rwlock_init(l, attr);
  if (rc == 0) note_initialized(l, site);
  return rc;
}

LOCKORDER_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t* l) {
  if (!from_runtime()) end_lock_life(l, LOCKORDER_CALL_SITE());
  return real::rwlock_destroy(l);
}

}  // extern "C"
