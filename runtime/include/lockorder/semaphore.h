// lockorder::counting_semaphore and lockorder::binary_semaphore: std::counting_semaphore and
// std::binary_semaphore whose waits the runtime sees. A semaphore has no owner; the threads that
// can release it are taken to be those that have released it before. A thread that waits on it
// while it holds locks, when every such thread waits (directly, or through other blocked
// threads) for one of those locks, is blocked for good with them: the runtime reports the
// deadlock (kind `deadlock`) the moment the last of them blocks, instead of hanging.
//
// Contract: drop-in replacements (same members; a name for reports may be given after the
// initial count). A semaphore nobody has released yet has no known releaser: a wait on it is
// never reported, though it is shown to the watchdog (blocked_threads) when the waiter holds
// locks. Timed waits (try_acquire_for, try_acquire_until) are never part of a deadlock.
// Thread-safety: as the standard types.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <limits>
#include <semaphore>
#include <source_location>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"

namespace lockorder {

template <std::ptrdiff_t kLeastMaxValue = std::numeric_limits<int>::max()>
class counting_semaphore {
 public:
  static constexpr std::ptrdiff_t max() noexcept {
    return std::counting_semaphore<kLeastMaxValue>::max();
  }

  explicit counting_semaphore(std::ptrdiff_t desired, const char* name = nullptr,
                              std::source_location site = std::source_location::current())
      : meta_(name, site, this, &may_be_free), count_bound_(desired), native_(desired) {}
  counting_semaphore(const counting_semaphore&) = delete;
  counting_semaphore& operator=(const counting_semaphore&) = delete;

  void release(std::ptrdiff_t update = 1) {
    meta_.note_poster();
    count_bound_.fetch_add(update, std::memory_order_release);
    native_.release(update);
  }
  void acquire() {
    if (try_acquire()) return;
    internal::waiting_on(meta_).wait(
        [this](auto step) { return taken(native_.try_acquire_for(step)); },
        [this] {
          native_.acquire();
          taken(true);
        });
  }
  bool try_acquire() noexcept { return taken(native_.try_acquire()); }
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout) {
    if (try_acquire()) return true;
    internal::timed_waiting_on shown(meta_);
    return taken(native_.try_acquire_for(timeout));
  }
  template <class Clock, class Duration>
  bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& deadline) {
    if (try_acquire()) return true;
    internal::timed_waiting_on shown(meta_);
    return taken(native_.try_acquire_until(deadline));
  }

 private:
  // count_bound_ is never below the count: raised before a release, lowered after a take.
  bool taken(bool took) noexcept {
    if (took) count_bound_.fetch_sub(1, std::memory_order_relaxed);
    return took;
  }
  static bool may_be_free(const void* self) noexcept {
    return static_cast<const counting_semaphore*>(self)->count_bound_.load(
               std::memory_order_acquire) > 0;
  }

  internal::WaitableMeta meta_;
  std::atomic<std::ptrdiff_t> count_bound_;
  std::counting_semaphore<kLeastMaxValue> native_;
};

using binary_semaphore = counting_semaphore<1>;

}  // namespace lockorder
