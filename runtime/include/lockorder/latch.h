// lockorder::latch: std::latch whose waits the runtime sees. A latch has no owner: the threads
// that can count it down are the ones that have not arrived, which the runtime cannot name in
// advance, so it takes every other thread of the process that does not wait on the latch. A
// thread that waits on it while it holds locks, when every such thread is blocked for good
// (directly, or through other blocked threads, on one of those locks), is blocked with them: the
// runtime reports the deadlock (kind `deadlock`) instead of hanging.
//
// Contract: a drop-in replacement (same members; a name for reports may be given after the
// expected count). A wait by a thread that holds no lock is not published, but the thread counts
// as one that cannot count the latch down while it waits. try_wait never blocks.
// Thread-safety: as std::latch.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <limits>
#include <mutex>
#include <source_location>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"

namespace lockorder {

// std::latch has no timed wait, which a published wait needs (it searches again between
// steps): so the count lives under a mutex and a condition variable, neither checked.
class latch {
 public:
  static constexpr std::ptrdiff_t max() noexcept {
    return std::numeric_limits<std::ptrdiff_t>::max();
  }

  explicit latch(std::ptrdiff_t expected, const char* name = nullptr,
                 std::source_location site = std::source_location::current())
      : meta_(name, internal::ArrivalMeta::Kind::latch, site), count_(expected) {}
  latch(const latch&) = delete;
  latch& operator=(const latch&) = delete;

  void count_down(std::ptrdiff_t update = 1) {
    std::lock_guard guard(mu_);
    count_ -= update;
    if (count_ != 0) return;
    meta_.next_phase();  // a waiter published is no longer blocked
    reached_.notify_all();
  }
  bool try_wait() const noexcept {
    std::lock_guard guard(mu_);
    return count_ == 0;
  }
  void wait() const {
    if (try_wait()) return;
    internal::wait_at(meta_, 0, mu_, reached_, [this] { return count_ == 0; });
  }
  void arrive_and_wait(std::ptrdiff_t update = 1) {
    count_down(update);
    wait();
  }

 private:
  mutable internal::ArrivalMeta meta_;
  mutable std::mutex mu_;
  mutable std::condition_variable reached_;
  std::ptrdiff_t count_;
};

}  // namespace lockorder
