// Internal: the runtime entry points that the instrumented lock types call around each native
// lock operation. Not part of the public promise; use the types in <lockorder/mutex.h>.
#pragma once

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "lockorder/internal/lock_meta.h"
#include "lockorder/internal/waitable_meta.h"

namespace lockorder::internal {

// Runtime entry points. They never block; the native lock operation happens in the caller.
//
// before_lock: runs every check for a blocking acquisition (double-lock, rank, lock order) and
// records the lock as held by this thread, all before the caller blocks. May throw
// lockorder::lock_order_error when the configured action is `throw`; then nothing is recorded.
// Returns true when the thread holds other locks and the acquisition may block for good: then
// the caller tries the native lock and, when it is taken, acquires through lock_contended, so
// that a wait which closes a cycle of blocked threads is reported as a deadlock instead of
// hanging.
bool before_lock(LockMeta& lock, Mode mode, unsigned flags);
// before_lock for a plain blocking acquisition (flags == kBlocking): the hot path.
bool before_blocking_lock(LockMeta& lock, Mode mode);
// Brackets a native acquisition that found the lock taken while this thread holds others:
// publishes what the thread waits for and what it holds, and reports a deadlock if the lock's
// holders wait, directly or through other blocked threads, for a lock this thread holds; then
// applies on_deadlock. The caller blocks in the native lock between the two calls.
void begin_blocked_wait(LockMeta& lock, Mode mode);
void end_blocked_wait() noexcept;

// Waits beyond locks (a join, a semaphore, a latch or barrier, a future) by a thread that holds
// locks are published in the wait-for graph, and a deadlock is reported when whoever would end
// the wait waits, directly or through other blocked threads, for one of those locks. begin_join
// (of the thread `target` names: pthread_join, std::thread::join), begin_waitable_wait (a
// semaphore), begin_arrival_wait (a latch or barrier) and begin_future_wait (the future of a
// task lockorder::async started) return whether the wait was published: then, while it waits, the
// caller calls search_again_while_waiting every kWaitStepMs (a releaser that blocks where it
// publishes nothing is seen only so), until that returns false (a deadlock was reported) or the
// wait is over. end_wait_beyond_locks withdraws it.
bool begin_join(pthread_t target);
bool begin_waitable_wait(const WaitableMeta& waitable);
// A semaphore wait with a timeout: never part of a deadlock (it ends by itself), but shown to a
// watchdog that asked for every wait (publish_every_wait), so a worker stuck in a loop of them is
// explained. No-op otherwise. Withdrawn by end_wait_beyond_locks.
bool begin_timed_waitable_wait(const WaitableMeta& waitable);
// `polls`: the caller searches again between steps of its wait (and so can give up as a
// deadlock's victim); false for a native wait that cannot be stepped.
bool begin_arrival_wait(const ArrivalMeta& arrival, bool polls = true);
bool begin_future_wait(const TaskRecord& task);
bool search_again_while_waiting();
void end_wait_beyond_locks() noexcept;
inline constexpr int kWaitStepMs = 10;
// For a join that cannot wait with a timeout itself (std::thread::join): returns once the
// thread `target` names has ended, or a deadlock through the join was reported.
void await_thread_end(pthread_t target);

class joining {
 public:
  explicit joining(pthread_t target) {
    if (begin_join(target)) await_thread_end(target);
  }
  ~joining() { end_wait_beyond_locks(); }
  joining(const joining&) = delete;
  joining& operator=(const joining&) = delete;
};

// Brackets a wait on a semaphore, a latch or barrier, or a future. The thread counts as one
// that waits on a latch or barrier even when the wait is not published (it holds nothing): it
// cannot arrive at it meanwhile.
class waiting_on {
 public:
  explicit waiting_on(const WaitableMeta& waitable) : published_(begin_waitable_wait(waitable)) {}
  explicit waiting_on(const TaskRecord& task) : published_(begin_future_wait(task)) {}
  waiting_on(ArrivalMeta& arrival, std::uint64_t in_phase)
      : at_(&arrival, in_phase), published_(begin_arrival_wait(arrival)) {}
  ~waiting_on() { end_wait_beyond_locks(); }
  waiting_on(const waiting_on&) = delete;
  waiting_on& operator=(const waiting_on&) = delete;

  // Waits until `done_within(step)` (a timed wait for the end, of at most `step`) says the wait
  // is over, searching again for a deadlock between steps while the wait is published; once it
  // is not (or a deadlock was reported and on_deadlock let the thread go on), waits with
  // `wait_untimed`.
  template <class DoneWithin, class WaitUntimed>
  void wait(DoneWithin&& done_within, WaitUntimed&& wait_untimed) const {
    if (published_) {
      do {
        if (done_within(std::chrono::milliseconds(kWaitStepMs))) return;
      } while (search_again_while_waiting());
    }
    wait_untimed();
  }

 private:
  waiting_at at_{nullptr, 0};  // first made, last gone
  bool published_ = false;
};

// Waits at `arrival` (a latch or barrier built on `mu` and `cv`), in phase `in_phase`, until
// `done()`, read under `mu`.
template <class Done>
void wait_at(ArrivalMeta& arrival, std::uint64_t in_phase, std::mutex& mu,
             std::condition_variable& cv, Done done) {
  waiting_on(arrival, in_phase)
      .wait(
          [&](auto step) {
            std::unique_lock lock(mu);
            return cv.wait_for(lock, step, done);
          },
          [&] {
            std::unique_lock lock(mu);
            cv.wait(lock, done);
          });
}

// Brackets a timed semaphore wait (begin_timed_waitable_wait).
class timed_waiting_on {
 public:
  explicit timed_waiting_on(const WaitableMeta& waitable) { begin_timed_waitable_wait(waitable); }
  ~timed_waiting_on() { end_wait_beyond_locks(); }
  timed_waiting_on(const timed_waiting_on&) = delete;
  timed_waiting_on& operator=(const timed_waiting_on&) = delete;
};

class blocked_wait {
 public:
  blocked_wait(LockMeta& lock, Mode mode) { begin_blocked_wait(lock, mode); }
  ~blocked_wait() { end_blocked_wait(); }
  blocked_wait(const blocked_wait&) = delete;
  blocked_wait& operator=(const blocked_wait&) = delete;
};

// True while a deadlock resolver is installed: a published wait then polls, so that a thread
// chosen as a deadlock's victim can give up (see lockorder/wait_for.h).
bool blocked_wait_interruptible() noexcept;
// Throws lockorder::deadlock_victim when this thread was chosen to break a deadlock.
void throw_if_deadlock_victim();
inline constexpr int kVictimPollMs = 2;

// Undo before_lock when the native lock failed (a timed acquisition that timed out, an
// exception from the native lock).
void lock_failed(LockMeta& lock, Mode mode) noexcept;
// A successful try_lock: held from now on, but no edge leads into it.
void after_try_lock(LockMeta& lock, Mode mode) noexcept;
// Returns whether the caller should release the native lock: true when this thread holds it;
// for a lock it does not hold (reported as unlock-of-unheld-lock), true only when the C library
// would let that release through (a normal mutex another thread holds), whose holder then no
// longer counts it as held.
bool before_unlock(LockMeta& lock, Mode mode) noexcept;
// A condition-variable wait on `lock`: releases it and checks its re-acquisition against the
// locks still held, before the caller blocks in the wait. Returns whether the thread holds other
// locks across the wait: then the caller brackets the wait with condition_wait.
bool before_wait(LockMeta& lock);
// Brackets a condition-variable wait on `lock` by a thread that holds other locks across it. The
// wait can only return by taking `lock` back, signalled or not, so the thread waits for whoever
// holds `lock` exactly as a blocked acquisition of it would: it is published in the wait-for
// graph, and a cycle through it is reported as a deadlock (it cannot be a resolver's victim: its
// wait is the native one). The caller waits between the two calls. `notified_by`: the condition
// variable, when it keeps the threads that wait on it (ArrivalMeta): the wait also needs a
// notifier, any thread that does not wait on it, and is blocked for good when every one is.
void begin_condition_wait(LockMeta& lock, const ArrivalMeta* notified_by = nullptr);

class condition_wait {
 public:
  condition_wait(LockMeta& lock, bool holds_others, const ArrivalMeta* notified_by = nullptr)
      : published_(holds_others) {
    if (published_) begin_condition_wait(lock, notified_by);
  }
  ~condition_wait() {
    if (published_) end_blocked_wait();
  }
  condition_wait(const condition_wait&) = delete;
  condition_wait& operator=(const condition_wait&) = delete;

 private:
  bool published_;
};
// The lock is going away: its node leaves the lock-order graph.
void on_destroy(LockMeta& lock) noexcept;
// The lock is going away while still held (undefined behaviour in the program): a
// `destroy-of-held-lock` report, then every thread's record of holding it is dropped (a record
// must never outlive the lock it points to), then on_destroy.
void on_destroy_held(LockMeta& lock) noexcept;

// Inlined, so that the stack of a report starts at the code that destroyed the lock.
[[gnu::always_inline]] inline void destroy(LockMeta& lock) noexcept {
  if (native_holder(lock).held) [[unlikely]]
    on_destroy_held(lock);
  else if (lock.graph_node.load(std::memory_order_acquire) != 0)
    on_destroy(lock);
}

// ordered_lock's check against the ordered locks this thread already holds (before locking).
void before_ordered_lock(LockMeta* const* sorted, unsigned count);

}  // namespace lockorder::internal
