// POSIX semaphores, interposed: sem_post notes the thread as one that releases the semaphore,
// and sem_wait by a thread that holds locks is a wait in the wait-for graph (docs/runtime.md,
// "Waits beyond locks"). sem_init and sem_destroy forget what was noted: a new semaphore at the
// same address has released nothing yet. sem_timedwait is never part of a deadlock (it ends by
// itself): it is shown to a watchdog that asked for every wait, and passes through otherwise;
// sem_trywait passes through.
#include <dlfcn.h>
#include <semaphore.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "checked_lock.h"
#include "kept_by_address.h"
#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"
#include "preload_init.h"

namespace lockorder::preload {
namespace {

// Whether the semaphore has a count now, as the C library says.
bool may_be_free(const void* s) noexcept {
  int value = 0;
  return sem_getvalue(const_cast<sem_t*>(static_cast<const sem_t*>(s)), &value) != 0 || value > 0;
}

struct Semaphore {
  explicit Semaphore(const sem_t* s)
      : label(address_label("semaphore", s)), meta(label.c_str(), {}, s, &may_be_free) {}
  std::string label;
  internal::WaitableMeta meta;
};

KeptByAddress<sem_t, Semaphore>& semaphores() {
  static auto* all = new KeptByAddress<sem_t, Semaphore>;  // never destroyed: threads post at exit
  return *all;
}

template <class Fn>
Fn next_function(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

}  // namespace
}  // namespace lockorder::preload

using lockorder::preload::InsideRuntime;

extern "C" LOCKORDER_EXPORT int sem_init(sem_t* s, int shared, unsigned value) {
  static const auto next =
      lockorder::preload::next_function<int (*)(sem_t*, int, unsigned)>("sem_init");
  if (!lockorder::preload::from_runtime()) {
    InsideRuntime inside;
    lockorder::preload::semaphores().forget(s);
  }
  return next(s, shared, value);
}

extern "C" LOCKORDER_EXPORT int sem_destroy(sem_t* s) {
  static const auto next = lockorder::preload::next_function<int (*)(sem_t*)>("sem_destroy");
  if (!lockorder::preload::from_runtime()) {
    InsideRuntime inside;
    lockorder::preload::semaphores().forget(s);
  }
  return next(s);
}

extern "C" LOCKORDER_EXPORT int sem_post(sem_t* s) {
  static const auto next = lockorder::preload::next_function<int (*)(sem_t*)>("sem_post");
  if (!lockorder::preload::from_runtime()) {
    lockorder::preload::ensure_initialized();
    InsideRuntime inside;
    try {
      lockorder::preload::semaphores().at(s).meta.note_poster();
    } catch (...) {
      // out of memory: the post goes on, unnoted
    }
  }
  return next(s);
}

namespace {

int real_sem_timedwait(sem_t* s, const timespec* until) {
  static const auto next =
      lockorder::preload::next_function<int (*)(sem_t*, const timespec*)>("sem_timedwait");
  return next(s, until);
}

}  // namespace

extern "C" LOCKORDER_EXPORT int sem_timedwait(sem_t* s, const timespec* until) {
  if (lockorder::preload::from_runtime()) return real_sem_timedwait(s, until);
  if (sem_trywait(s) == 0) return 0;
  lockorder::preload::ensure_initialized();
  {
    InsideRuntime inside;
    try {
      lockorder::internal::begin_timed_waitable_wait(lockorder::preload::semaphores().at(s).meta);
    } catch (...) {
      // out of memory: the wait goes on, unseen
    }
  }
  const int rc = real_sem_timedwait(s, until);
  const int saved = errno;
  {
    InsideRuntime inside;
    lockorder::internal::end_wait_beyond_locks();
  }
  errno = saved;
  return rc;
}

extern "C" LOCKORDER_EXPORT int sem_wait(sem_t* s) {
  static const auto next = lockorder::preload::next_function<int (*)(sem_t*)>("sem_wait");
  if (lockorder::preload::from_runtime()) return next(s);
  if (sem_trywait(s) == 0) return 0;
  lockorder::preload::ensure_initialized();
  bool published = false;
  {
    InsideRuntime inside;
    try {
      published =
          lockorder::internal::begin_waitable_wait(lockorder::preload::semaphores().at(s).meta);
    } catch (...) {
      // on_report=throw cannot cross a C interface: the report was printed, the wait goes on.
    }
  }
  // Published: the wait goes in steps, and between them searches again for a deadlock.
  int rc = -1;
  bool waited = false;
  while (published && !waited) {
    const timespec until = lockorder::preload::next_search();
    rc = real_sem_timedwait(s, &until);
    waited = rc == 0 || errno != ETIMEDOUT;
    if (waited) break;
    InsideRuntime inside;
    try {
      published = lockorder::internal::search_again_while_waiting();
    } catch (...) {
      published = false;
    }
  }
  if (!waited) rc = next(s);
  const int saved = errno;
  {
    InsideRuntime inside;
    lockorder::internal::end_wait_beyond_locks();
  }
  errno = saved;
  return rc;
}
