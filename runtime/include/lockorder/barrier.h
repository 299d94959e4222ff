// lockorder::barrier: std::barrier whose waits the runtime sees. As for a latch
// (<lockorder/latch.h>), the threads that can complete a phase are the ones that have not
// arrived, which the runtime takes to be every other thread of the process that does not wait on
// the barrier. A thread that waits at it while it holds locks, when every such thread is blocked
// for good (directly, or through other blocked threads, on one of those locks), is blocked with
// them: the runtime reports the deadlock (kind `deadlock`) instead of hanging.
//
// Contract: a drop-in replacement (same members; a name for reports may be given after the
// completion function). The completion function runs on the thread that arrives last, before
// any waiter of the phase returns, as the standard says. A wait by a thread that holds no lock is
// not published, but the thread counts as one that cannot arrive while it waits.
// Thread-safety: as std::barrier.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <source_location>
#include <utility>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"

namespace lockorder {

struct barrier_no_completion {
  void operator()() noexcept {}
};

// std::barrier has no timed wait, which a published wait needs (it searches again between
// steps): so the phase lives under a mutex and a condition variable, neither checked.
template <class CompletionFunction = barrier_no_completion>
class barrier {
 public:
  class arrival_token {
   public:
    arrival_token(arrival_token&&) noexcept = default;
    arrival_token& operator=(arrival_token&&) noexcept = default;

   private:
    friend class barrier;
    explicit arrival_token(std::uint64_t phase) : phase_(phase) {}
    std::uint64_t phase_;
  };

  static constexpr std::ptrdiff_t max() noexcept {
    return std::numeric_limits<std::ptrdiff_t>::max();
  }

  explicit barrier(std::ptrdiff_t expected, CompletionFunction completion = CompletionFunction(),
                   const char* name = nullptr,
                   std::source_location site = std::source_location::current())
      : meta_(name, internal::ArrivalMeta::Kind::barrier, site),
        completion_(std::move(completion)),
        expected_(expected),
        pending_(expected) {}
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;

  [[nodiscard]] arrival_token arrive(std::ptrdiff_t update = 1) {
    std::lock_guard guard(mu_);
    const std::uint64_t phase = phase_;
    pending_ -= update;
    if (pending_ == 0) complete_phase();
    return arrival_token(phase);
  }
  void wait(arrival_token&& token) const {
    auto passed = [this, phase = token.phase_] { return phase_ != phase; };
    {
      std::lock_guard guard(mu_);
      if (passed()) return;
    }
    internal::wait_at(meta_, token.phase_, mu_, completed_, passed);
  }
  void arrive_and_wait() { wait(arrive()); }
  void arrive_and_drop() {
    std::lock_guard guard(mu_);
    --expected_;
    if (--pending_ == 0) complete_phase();
  }

 private:
  // Under mu_, by the thread that arrives last.
  void complete_phase() {
    completion_();
    pending_ = expected_;
    ++phase_;
    meta_.next_phase();  // a waiter published is no longer blocked
    completed_.notify_all();
  }

  mutable internal::ArrivalMeta meta_;
  mutable std::mutex mu_;
  mutable std::condition_variable completed_;
  CompletionFunction completion_;
  std::ptrdiff_t expected_;
  std::ptrdiff_t pending_;
  std::uint64_t phase_ = 0;
};

}  // namespace lockorder
