// Heartbeat: one worker's sign of life, for the watchdog to read.
//
// Contract:
//   - One thread (the worker) writes a Heartbeat; any thread may read it. beat() is one relaxed
//     store to a counter alone in its cache line: no system call, no lock, no read-modify-write.
//   - A worker waiting for work says so (idle()); an idle worker is never stalled.
//   - Deadlines: the worker's own (set_deadline), a work item's (begin_item), or a scope's
//     (DeadlineScope, which restores the outer deadline when it ends). extend() vouches for known
//     long work with a reason: until then, no progress is expected.
//   - Times are std::chrono::steady_clock nanoseconds since its epoch, read by the worker only
//     when an item or scope begins, never on beat().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace lockorder::watchdog {

using Clock = std::chrono::steady_clock;

class alignas(64) Heartbeat {
 public:
  using TimeSource = std::int64_t (*)();  // steady_clock nanoseconds; tests pass their own

  explicit Heartbeat(Clock::duration deadline, TimeSource now = &Heartbeat::now_ns)
      : now_(now), default_deadline_ns_(to_ns(deadline)), deadline_ns_(to_ns(deadline)) {}
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // Progress. The worker's thread only.
  void beat() noexcept {
    beats_.store(beats_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // Waiting for work (true) or working (false).
  void set_idle(bool idle) noexcept {
    idle_.store(idle, std::memory_order_relaxed);
    beat();
  }

  // A new work item starts now, with this deadline (the worker's own if zero).
  void begin_item(Clock::duration deadline = Clock::duration::zero()) noexcept {
    item_started_ns_.store(now_(), std::memory_order_relaxed);
    deadline_ns_.store(deadline == Clock::duration::zero() ? default_deadline_ns_ : to_ns(deadline),
                       std::memory_order_relaxed);
    set_idle(false);
  }

  // The deadline in force until the next item or scope changes it (DeadlineScope uses this).
  void set_deadline(Clock::duration deadline) noexcept {
    deadline_ns_.store(to_ns(deadline), std::memory_order_relaxed);
  }

  // Known long work: no progress is expected for `how_long`. `reason` must outlive the wait
  // (a string literal).
  void extend(Clock::duration how_long, const char* reason) noexcept {
    reason_.store(reason, std::memory_order_relaxed);
    paused_until_ns_.store(now_() + to_ns(how_long), std::memory_order_relaxed);
    beat();
  }

  // --- for the watchdog --------------------------------------------------------------------
  std::uint64_t beats() const noexcept { return beats_.load(std::memory_order_relaxed); }
  bool idle() const noexcept { return idle_.load(std::memory_order_relaxed); }
  std::int64_t deadline_ns() const noexcept { return deadline_ns_.load(std::memory_order_relaxed); }
  std::int64_t item_started_ns() const noexcept {
    return item_started_ns_.load(std::memory_order_relaxed);
  }
  std::int64_t paused_until_ns() const noexcept {
    return paused_until_ns_.load(std::memory_order_relaxed);
  }
  const char* pause_reason() const noexcept { return reason_.load(std::memory_order_relaxed); }

  static std::int64_t to_ns(Clock::duration d) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  }
  static std::int64_t now_ns() noexcept { return to_ns(Clock::now().time_since_epoch()); }

 private:
  std::atomic<std::uint64_t> beats_{0};  // the only field written on the hot path
  alignas(64) std::atomic<bool> idle_{true};
  const TimeSource now_;
  const std::int64_t default_deadline_ns_;  // the worker's own
  std::atomic<std::int64_t> deadline_ns_;   // in force now: the item's or a scope's
  std::atomic<std::int64_t> item_started_ns_{0};
  std::atomic<std::int64_t> paused_until_ns_{0};
  std::atomic<const char*> reason_{nullptr};
};

// Sets a worker's deadline for a scope and restores the outer one when the scope ends.
class DeadlineScope {
 public:
  DeadlineScope(Heartbeat& heartbeat, Clock::duration deadline) noexcept
      : heartbeat_(heartbeat), outer_ns_(heartbeat.deadline_ns()) {
    heartbeat_.set_deadline(deadline);
  }
  ~DeadlineScope() { heartbeat_.set_deadline(std::chrono::nanoseconds(outer_ns_)); }
  DeadlineScope(const DeadlineScope&) = delete;
  DeadlineScope& operator=(const DeadlineScope&) = delete;

 private:
  Heartbeat& heartbeat_;
  std::int64_t outer_ns_;
};

}  // namespace lockorder::watchdog
