// Instrumented drop-in replacements for the standard mutex types.
//
//   lockorder::mutex                  for std::mutex
//   lockorder::timed_mutex            for std::timed_mutex
//   lockorder::recursive_mutex        for std::recursive_mutex
//   lockorder::recursive_timed_mutex  for std::recursive_timed_mutex
//   lockorder::shared_mutex           for std::shared_mutex
//   lockorder::shared_timed_mutex     for std::shared_timed_mutex
//
// Contract: each type meets the same standard requirements as the type it replaces (Lockable,
// TimedLockable, SharedLockable, SharedTimedLockable) and works with std::lock_guard,
// std::unique_lock, std::shared_lock, std::scoped_lock and std::lock. Every operation is
// thread-safe, exactly as for the standard type.
//
// On top of that, every acquisition is checked before the thread blocks:
//   - against the locks this thread already holds: each held lock gets an edge to the new one in
//     the process-wide lock-order graph; an edge that closes a cycle is a `lock-order-inversion`
//     report (a potential deadlock, even if this run did not deadlock);
//   - a non-recursive lock taken again by its holder is a `double-lock` report;
//   - ranked locks taken out of rank order are a `lock-hierarchy` report.
// Locking in an order seen before takes no global lock and allocates nothing. A successful
// try_lock adds no edge into the try-locked lock (it cannot block) but counts as held. Recursive
// re-entry adds nothing. Unlocking a lock this thread does not hold is an
// `unlock-of-unheld-lock` report; a normal mutex that another thread holds is then released as
// the C library would release it, any other lock is left alone. Destroying a held lock is a
// `destroy-of-held-lock` report, after which no thread counts it as held.
//
// Construction: `lockorder::mutex m;` names the lock by its creation site;
// `lockorder::mutex m("accounts")` gives it a name; `lockorder::mutex m({.name = "a",
// .lock_class = "Account", .rank = 10})` gives it a class and a rank (see lock_attributes.h).
// What happens on a report is configured in <lockorder/options.h>.
#pragma once

#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <source_location>

#include "lockorder/internal/fast_path.h"
#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/native_acquire.h"
#include "lockorder/lock_attributes.h"

namespace lockorder {

class condition_variable;
template <class... Locks>
class ordered_lock;

template <class Native, internal::LockKind Kind>
class basic_lock {
 public:
  static constexpr bool is_timed = Kind == internal::LockKind::timed_mutex ||
                                   Kind == internal::LockKind::recursive_timed_mutex ||
                                   Kind == internal::LockKind::shared_timed_mutex;
  static constexpr bool is_shared =
      Kind == internal::LockKind::shared_mutex || Kind == internal::LockKind::shared_timed_mutex;

  constexpr basic_lock(std::source_location site = std::source_location::current()) noexcept
      : meta_(lock_attributes{}, Kind, site, &native_, kNativeLayout) {}
  explicit constexpr basic_lock(const char* name,
                                std::source_location site = std::source_location::current())
      : meta_(lock_attributes{.name = name}, Kind, site, &native_, kNativeLayout) {}
  explicit constexpr basic_lock(const lock_attributes& attrs,
                                std::source_location site = std::source_location::current())
      : meta_(attrs, Kind, site, &native_, kNativeLayout) {}
  [[gnu::always_inline]] ~basic_lock() { internal::destroy(meta_); }
  basic_lock(const basic_lock&) = delete;
  basic_lock& operator=(const basic_lock&) = delete;

  // Always inlined, so that the runtime sees the caller's frame as the acquisition site.
  [[gnu::always_inline]] void lock() { lock_with(internal::kBlocking); }
  bool try_lock() {
    if (!native_.try_lock()) return false;
    internal::after_try_lock(meta_, internal::Mode::exclusive);
    return true;
  }
  [[gnu::always_inline]] void unlock() {
    if (internal::release(meta_, internal::Mode::exclusive)) native_.unlock();
  }

  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout)
    requires is_timed
  {
    internal::before_lock(meta_, internal::Mode::exclusive, internal::kTimed);
    return finish_timed(native_.try_lock_for(timeout), internal::Mode::exclusive);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline)
    requires is_timed
  {
    internal::before_lock(meta_, internal::Mode::exclusive, internal::kTimed);
    return finish_timed(native_.try_lock_until(deadline), internal::Mode::exclusive);
  }

  [[gnu::always_inline]] void lock_shared()
    requires is_shared
  {
    // Taken while holding other locks: an uncontended lock is taken at once; a contended one
    // through a published wait (lock_nested).
    if (!internal::acquire_blocking<internal::Mode::shared>(meta_))
      native_.lock_shared();
    else if (!native_.try_lock_shared())
      lock_nested(internal::Mode::shared);
  }
  bool try_lock_shared()
    requires is_shared
  {
    if (!native_.try_lock_shared()) return false;
    internal::after_try_lock(meta_, internal::Mode::shared);
    return true;
  }
  [[gnu::always_inline]] void unlock_shared()
    requires is_shared
  {
    if (internal::release(meta_, internal::Mode::shared)) native_.unlock_shared();
  }
  template <class Rep, class Period>
  bool try_lock_shared_for(const std::chrono::duration<Rep, Period>& timeout)
    requires(is_shared && is_timed)
  {
    internal::before_lock(meta_, internal::Mode::shared, internal::kTimed);
    return finish_timed(native_.try_lock_shared_for(timeout), internal::Mode::shared);
  }
  template <class Clock, class Duration>
  bool try_lock_shared_until(const std::chrono::time_point<Clock, Duration>& deadline)
    requires(is_shared && is_timed)
  {
    internal::before_lock(meta_, internal::Mode::shared, internal::kTimed);
    return finish_timed(native_.try_lock_shared_until(deadline), internal::Mode::shared);
  }

  // The lock's identity in reports: its name if given, else its creation site.
  const char* name() const noexcept { return meta_.name; }

 private:
  friend class condition_variable;
  template <class... Locks>
  friend class ordered_lock;

  [[gnu::always_inline]] void lock_with(unsigned flags) {
    const bool nested = flags == internal::kBlocking
                            ? internal::acquire_blocking<internal::Mode::exclusive>(meta_)
                            : internal::before_lock(meta_, internal::Mode::exclusive, flags);
    if (nested) {  // uncontended: taken at once; contended: a published wait (lock_nested)
      if (!native_.try_lock()) lock_nested(internal::Mode::exclusive);
      return;
    }
    try {
      native_.lock();
    } catch (...) {
      internal::lock_failed(meta_, internal::Mode::exclusive);
      throw;
    }
  }
  // Taken while holding other locks, and found taken: a wait here may close a cycle of blocked
  // threads.
  [[gnu::noinline]] void lock_nested(internal::Mode mode) {
    try {
      internal::lock_contended(native_, meta_, mode);
    } catch (...) {
      internal::lock_failed(meta_, mode);
      throw;
    }
  }
  bool finish_timed(bool acquired, internal::Mode mode) {
    if (!acquired) internal::lock_failed(meta_, mode);
    return acquired;
  }

  // How the runtime reads native_'s state: libstdc++'s standard locks on glibc are a
  // pthread_mutex_t or (the shared ones) a pthread_rwlock_t at the start of the object.
  static constexpr internal::NativeLayout kNativeLayout =
#if defined(__GLIBCXX__) && defined(__GLIBC__)
      is_shared ? internal::NativeLayout::pthread_rwlock : internal::NativeLayout::pthread_mutex;
#else
      internal::NativeLayout::unknown;
#endif

  Native native_;  // first: the lock word starts the object's cache line
  internal::LockMeta meta_;
};

using mutex = basic_lock<std::mutex, internal::LockKind::mutex>;
using timed_mutex = basic_lock<std::timed_mutex, internal::LockKind::timed_mutex>;
using recursive_mutex = basic_lock<std::recursive_mutex, internal::LockKind::recursive_mutex>;
using recursive_timed_mutex =
    basic_lock<std::recursive_timed_mutex, internal::LockKind::recursive_timed_mutex>;
using shared_mutex = basic_lock<std::shared_mutex, internal::LockKind::shared_mutex>;
using shared_timed_mutex =
    basic_lock<std::shared_timed_mutex, internal::LockKind::shared_timed_mutex>;

}  // namespace lockorder
