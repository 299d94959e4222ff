// pthread mutex functions, interposed: checked, then passed to the C library.
#include <pthread.h>
#include <unistd.h>

#include "checked_lock.h"
#include "preload_init.h"
#include "real_pthread.h"
#include "shadow.h"

namespace lockorder::preload {
namespace {

// The shadow to release. A mutex never taken through lockorder is fine to unlock when this thread
// owns it (taken inside the runtime, where locks pass unchecked); otherwise it is released by a
// thread that does not hold it, and the release is checked (and reported) as such.
[[gnu::always_inline]] inline LockMeta* unlock_shadow(pthread_mutex_t* m) {
  if (LockMeta* meta = existing_shadow(m)) return meta;
  if (__atomic_load_n(&m->__data.__owner, __ATOMIC_RELAXED) == gettid()) return nullptr;
  return shadow_of(m).meta;
}

// An error-checking mutex re-taken by its holder fails with EDEADLK instead of hanging.
unsigned mutex_flags(pthread_mutex_t* m) {
  return is_error_checking_kind(__atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED))
             ? internal::kFailsOnSelf
             : internal::kBlocking;
}

}  // namespace
}  // namespace lockorder::preload

using namespace lockorder::preload;

extern "C" {

LOCKORDER_EXPORT int pthread_mutex_lock(pthread_mutex_t* m) {
  if (from_runtime()) return real::mutex_lock(m);
  ensure_initialized();
  return checked_lock(m, Mode::exclusive, mutex_flags(m), LOCKORDER_CALL_SITE(),
                      real::mutex_trylock, real::mutex_lock);
}

LOCKORDER_EXPORT int pthread_mutex_trylock(pthread_mutex_t* m) {
  if (from_runtime()) return real::mutex_trylock(m);
  ensure_initialized();
  return checked_try_lock(m, Mode::exclusive, LOCKORDER_CALL_SITE(), real::mutex_trylock);
}

LOCKORDER_EXPORT int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* abstime) {
  if (from_runtime()) return real::mutex_timedlock(m, abstime);
  ensure_initialized();
  return checked_timed_lock(
      m, Mode::exclusive, LOCKORDER_CALL_SITE(),
      [abstime](pthread_mutex_t* o) { return real::mutex_timedlock(o, abstime); });
}

LOCKORDER_EXPORT int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock,
                                             const struct timespec* abstime) {
  if (from_runtime()) return real::mutex_clocklock(m, clock, abstime);
  ensure_initialized();
  return checked_timed_lock(
      m, Mode::exclusive, LOCKORDER_CALL_SITE(),
      [clock, abstime](pthread_mutex_t* o) { return real::mutex_clocklock(o, clock, abstime); });
}

LOCKORDER_EXPORT int pthread_mutex_unlock(pthread_mutex_t* m) {
  if (from_runtime()) return real::mutex_unlock(m);
  return checked_unlock(m, unlock_shadow, LOCKORDER_CALL_SITE(), real::mutex_unlock);
}

LOCKORDER_EXPORT int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) {
  if (from_runtime()) return real::mutex_init(m, attr);
  const Site site = LOCKORDER_CALL_SITE();
  end_lock_life(m, site);
  const int rc = real::mutex_init(m, attr);
  if (rc == 0) note_initialized(m, site);
  return rc;
}

LOCKORDER_EXPORT int pthread_mutex_destroy(pthread_mutex_t* m) {
  if (!from_runtime()) end_lock_life(m, LOCKORDER_CALL_SITE());
  return real::mutex_destroy(m);
}

}  // extern "C"
