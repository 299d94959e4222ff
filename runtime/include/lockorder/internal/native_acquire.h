// Internal: the native acquisitions behind an instrumented lock that holds other locks while it
// may block: a try first, then a wait published in the wait-for graph, bounded when a deadlock
// resolver may choose the thread as a victim. Not part of the public promise.
#pragma once

#include <pthread.h>
#include <time.h>

#include <chrono>

#include "lockorder/internal/lock_hooks.h"

namespace lockorder::internal {

// One bounded native acquisition: the pthread lock behind a standard one, with a timeout of
// kVictimPollMs (timed waits, not clock waits: every thread checker intercepts them).
template <class Native>
bool lock_native_briefly(Native& native, Mode mode) {
  constexpr auto poll = std::chrono::milliseconds(kVictimPollMs);
  if constexpr (requires { native.try_lock_for(poll); }) {
    if constexpr (requires { native.try_lock_shared_for(poll); })
      if (mode == Mode::shared) return native.try_lock_shared_for(poll);
    return native.try_lock_for(poll);
  } else {
    const auto until_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
        (std::chrono::system_clock::now() + poll).time_since_epoch());
    const timespec until{static_cast<time_t>(until_ns.count() / 1'000'000'000),
                         static_cast<long>(until_ns.count() % 1'000'000'000)};
    if constexpr (requires { native.try_lock_shared(); }) {
      // libstdc++'s std::shared_mutex is a pthread_rwlock_t behind a void* handle.
      auto* handle = static_cast<pthread_rwlock_t*>(native.native_handle());
      return (mode == Mode::shared ? pthread_rwlock_timedrdlock(handle, &until)
                                   : pthread_rwlock_timedwrlock(handle, &until)) == 0;
    } else {
      return pthread_mutex_timedlock(native.native_handle(), &until) == 0;
    }
  }
}

template <class Native>
void lock_native(Native& native, Mode mode) {
  if constexpr (requires { native.lock_shared(); })
    if (mode == Mode::shared) return native.lock_shared();
  native.lock();
}

// Acquires `native` (a standard lock) after before_lock returned true and the caller's try of it
// failed: a published, deadlock-checked wait.
template <class Native>
void lock_contended(Native& native, LockMeta& meta, Mode mode) {
  blocked_wait waiting(meta, mode);
  if (!blocked_wait_interruptible()) return lock_native(native, mode);
  while (!lock_native_briefly(native, mode)) throw_if_deadlock_victim();
}

}  // namespace lockorder::internal
