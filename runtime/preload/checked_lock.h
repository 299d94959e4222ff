// The shape every interposer shares: run the runtime's checks for an acquisition, release or
// wait of a pthread lock, then call the C library's function, and keep the runtime's records in
// step with what that function returned. The runtime's own code runs inside InsideRuntime; the
// native call does not (a signal handler there is the program's and is checked as such).
//
// Each shape is inlined into its interposer, with the functions it is given, so that those are
// direct calls, not calls through function pointers into shared code: a release is one function
// and one call into the C library (it went through three calls, two of them indirect;
// bench/preload_ratios.sh measured 3 to 7 ns less per lock and unlock).
#pragma once

#include <time.h>

#include <cerrno>

#include "entry/entry_points.h"
#include "shadow.h"

// The interposers are the preload library's only exported symbols.
#define LOCKORDER_EXPORT __attribute__((visibility("default")))

// The acquisition site of the interposed call: where the program called pthread_*.
#define LOCKORDER_CALL_SITE()                                      \
  ::lockorder::internal::Site {                                    \
    reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)), \
        reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa())    \
  }

namespace lockorder::preload {

using internal::InsideRuntime;
using internal::LockMeta;
using internal::Mode;
using internal::Site;

// When a published wait beyond locks (a join, a semaphore wait) stops to search again for a
// deadlock through it (lock_hooks.h): kWaitStepMs from now, on the clock timed waits take.
inline timespec next_search() {
  timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += internal::kWaitStepMs * 1'000'000L;
  if (until.tv_nsec >= 1'000'000'000L) {
    until.tv_sec += 1;
    until.tv_nsec -= 1'000'000'000L;
  }
  return until;
}

// Whether this call comes from lockorder itself, and must pass unchecked.
inline bool from_runtime() { return internal::t_inside_runtime != 0; }

// Whether a writer waiting on this lock should wait through the wait-for graph even when it holds
// nothing else: on a writer-preferring rwlock, readers queue behind it.
inline bool writer_blocks_readers(pthread_mutex_t*) { return false; }
inline bool writer_blocks_readers(pthread_rwlock_t* rwlock) { return prefers_writers(rwlock); }

// A blocking acquisition.
template <class Object, class Try, class Lock>
[[gnu::always_inline]] inline int checked_lock(Object* object, Mode mode, unsigned flags,
                                               const Site& site, Try try_native, Lock lock_native) {
  LockMeta* meta = nullptr;
  bool publish = false;
  {
    InsideRuntime inside;
    try {
      const ShadowRef shadow = shadow_of(object);
      meta = shadow.meta;
      publish = internal::acquire_at(*meta, shadow.key, mode, flags, site) ||
                (mode == Mode::exclusive && writer_blocks_readers(object));
    } catch (...) {
      // on_report=throw cannot cross a C interface: the report was printed, the lock goes on.
    }
  }
  int rc;
  if (publish && (rc = try_native(object)) != EBUSY) {
    // taken (or failed) without waiting
  } else if (publish) {
    {
      InsideRuntime inside;
      try {
        internal::begin_blocked_wait(*meta, mode);
      } catch (...) {
      }
    }
    rc = lock_native(object);
    InsideRuntime inside;
    internal::end_blocked_wait();
  } else {
    rc = lock_native(object);
  }
  if (rc != 0 && rc != EOWNERDEAD && meta != nullptr) {
    InsideRuntime inside;
    internal::lock_failed(*meta, mode);
  }
  return rc;
}

// A timed acquisition: checked for order like any other, never a deadlock (it can time out).
template <class Object, class Timed>
[[gnu::always_inline]] inline int checked_timed_lock(Object* object, Mode mode, const Site& site,
                                                     Timed timed_native) {
  LockMeta* meta = nullptr;
  {
    InsideRuntime inside;
    try {
      const ShadowRef shadow = shadow_of(object);
      meta = shadow.meta;
      internal::acquire_at(*meta, shadow.key, mode, internal::kTimed, site);
    } catch (...) {
    }
  }
  const int rc = timed_native(object);
  if (rc != 0 && rc != EOWNERDEAD && meta != nullptr) {
    InsideRuntime inside;
    internal::lock_failed(*meta, mode);
  }
  return rc;
}

// A try: held from now on if it succeeded; no edge leads into it.
template <class Object, class Try>
[[gnu::always_inline]] inline int checked_try_lock(Object* object, Mode mode, const Site& site,
                                                   Try try_native) {
  const int rc = try_native(object);
  if (rc == 0 || rc == EOWNERDEAD) {
    InsideRuntime inside;
    try {
      const ShadowRef shadow = shadow_of(object);
      internal::try_acquired_at(*shadow.meta, shadow.key, mode, site);
    } catch (...) {
    }
  }
  return rc;
}

// pthread_*_init or _destroy: whatever lock lived at `object` ends here. One still held (destroyed
// while held, or its memory initialized again over a held lock) is reported, and no thread keeps
// counting it as held; then its node leaves the graph.
template <class Object>
inline void end_lock_life(Object* object, const Site& site) {
  InsideRuntime inside;
  LockMeta* meta = existing_shadow(object);
  if (meta != nullptr && internal::native_holder(*meta).held)
    internal::destroyed_while_held_at(*meta, site);
  forget(object);
}

// pthread_*_init succeeded: the lock's shadow, made now, remembers where.
template <class Object>
inline void note_initialized(Object* object, const Site& site) {
  InsideRuntime inside;
  try {
    internal::initialized_at(*shadow_of(object).meta, site);
  } catch (...) {
  }
}

// A release. A lock the runtime never saw taken (no shadow) passes unchecked.
template <class Object, class Existing, class Unlock>
[[gnu::always_inline]] inline int checked_unlock(Object* object, Existing existing,
                                                 const Site& site, Unlock unlock_native) {
  {
    InsideRuntime inside;
    if (LockMeta* meta = existing(object)) internal::release_at(*meta, site);
  }
  return unlock_native(object);
}

}  // namespace lockorder::preload
