// Internal: what the runtime keeps of a wait that is not a lock (a semaphore, a latch or barrier,
// a future): who can end it. Not part of the public promise; use <lockorder/semaphore.h>,
// <lockorder/latch.h>, <lockorder/barrier.h> and <lockorder/future.h>.
#pragma once

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <source_location>
#include <utility>
#include <vector>

namespace lockorder::internal {

// A semaphore has no owner: the threads that can release it are the ones that have (the rule
// the wait-for graph follows, docs/runtime.md). It keeps the kPosters most recent of them, and
// how to ask whether it has a count now: a waiter is not blocked while it has.
struct WaitableMeta {
  static constexpr std::size_t kPosters = 8;
  // Whether the semaphore `owner` may have a count now; never false when it has one.
  using MayBeFree = bool (*)(const void* owner) noexcept;

  WaitableMeta(const char* n, const std::source_location& s, const void* o, MayBeFree f)
      : name(n), site(s), owner(o), may_be_free(f) {}
  WaitableMeta(const WaitableMeta&) = delete;
  WaitableMeta& operator=(const WaitableMeta&) = delete;

  // Notes the calling thread as one that releases it: cheap when it is the newest already.
  void note_poster() noexcept {
    const pthread_t self = pthread_self();
    if (pthread_equal(newest.load(std::memory_order_relaxed), self)) return;
    std::lock_guard guard(mu);
    std::size_t at = count < kPosters ? count : kPosters - 1;
    for (std::size_t i = 0; i < count; ++i)
      if (pthread_equal(posters[i], self)) at = i;
    for (std::size_t i = at; i > 0; --i) posters[i] = posters[i - 1];
    posters[0] = self;
    if (count < kPosters && at == count) ++count;
    newest.store(self, std::memory_order_relaxed);
  }
  // The threads that released it, newest first, while `visit` returns true.
  template <class Visit>
  void visit_posters(Visit&& visit) const {
    std::lock_guard guard(mu);
    for (std::size_t i = 0; i < count; ++i)
      if (!visit(posters[i])) return;
  }

  const char* name;  // for reports; nullptr: "semaphore at <file>:<line>"
  std::source_location site;
  const void* const owner;
  const MayBeFree may_be_free;

 private:
  mutable std::mutex mu;  // a plain one: the runtime does not check it
  std::atomic<pthread_t> newest{};
  std::array<pthread_t, kPosters> posters{};
  std::size_t count = 0;
};

// A latch, a barrier or a condition variable has no owner either: any thread that does not wait
// on it may still arrive at it or notify it (the rule the wait-for graph follows,
// docs/runtime.md). It keeps the threads that wait on it now, which cannot do so while they
// wait.
struct ArrivalMeta {
  enum class Kind { latch, barrier, condition_variable, promise };

  ArrivalMeta(const char* n, Kind k, const std::source_location& s) : name(n), kind(k), site(s) {}
  ArrivalMeta(const ArrivalMeta&) = delete;
  ArrivalMeta& operator=(const ArrivalMeta&) = delete;

  // Brackets a wait on it by the calling thread, for the end of phase `in_phase` (a latch's
  // only phase is 0; a condition variable's phases are its notifications).
  void begin_wait(std::uint64_t in_phase) {
    std::lock_guard guard(mu);
    waiting.push_back({pthread_self(), in_phase});
  }
  void end_wait() noexcept {
    const pthread_t self = pthread_self();
    std::lock_guard guard(mu);
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (pthread_equal(waiting[i].thread, self)) {
        waiting[i] = waiting.back();
        waiting.pop_back();
        return;
      }
    }
  }
  // Whether the thread `handle` names waits on it now.
  bool waits_on_it(pthread_t handle) const {
    std::lock_guard guard(mu);
    for (const Waiting& w : waiting)
      if (pthread_equal(w.thread, handle)) return true;
    return false;
  }
  // Whether the wait of the thread `handle` names is over: the phase it waits in has ended (it
  // has yet to notice), or it does not wait.
  bool wait_is_over(pthread_t handle) const {
    std::lock_guard guard(mu);
    for (const Waiting& w : waiting)
      if (pthread_equal(w.thread, handle)) return w.phase != phase.load(std::memory_order_acquire);
    return true;
  }
  // Ends the current phase (the latch opens, the barrier's phase completes, a notification).
  void next_phase() noexcept { phase.fetch_add(1, std::memory_order_release); }
  std::uint64_t current_phase() const noexcept { return phase.load(std::memory_order_acquire); }

  const char* kind_name() const {
    switch (kind) {
      case Kind::latch:
        return "latch";
      case Kind::barrier:
        return "barrier";
      case Kind::condition_variable:
        return "condition variable";
      case Kind::promise:
        break;
    }
    return "promise";
  }

  const char* name;  // for reports; nullptr: "<kind> at <file>:<line>"
  const Kind kind;
  std::source_location site;

 private:
  struct Waiting {
    pthread_t thread;
    std::uint64_t phase;
  };
  mutable std::mutex mu;  // a plain one: the runtime does not check it
  std::vector<Waiting> waiting;
  std::atomic<std::uint64_t> phase{0};
};

struct PoolRecord;

// Marks the calling thread as one that waits on `arrival` (unless null) in phase `in_phase`,
// for its scope.
class waiting_at {
 public:
  waiting_at(ArrivalMeta* arrival, std::uint64_t in_phase) : arrival_(arrival) {
    if (arrival_ != nullptr) arrival_->begin_wait(in_phase);
  }
  ~waiting_at() {
    if (arrival_ != nullptr) arrival_->end_wait();
  }
  waiting_at(const waiting_at&) = delete;
  waiting_at& operator=(const waiting_at&) = delete;

 private:
  ArrivalMeta* arrival_;
};

// A task whose result a future carries (lockorder::async, lockorder::thread_pool): the thread
// that runs it, once it has started, is the one that will make the future ready; before that, a
// pool task waits for a worker of its pool.
struct TaskRecord {
  TaskRecord() = default;
  TaskRecord(const PoolRecord* p, std::uint64_t n) : pool(p), number(n) {}
  TaskRecord(const TaskRecord&) = delete;
  TaskRecord& operator=(const TaskRecord&) = delete;

  // Called by the thread that runs the task, before the task.
  void start() noexcept {
    thread = pthread_self();
    started.store(true, std::memory_order_release);
  }
  // The thread that runs it, or false while it has not started.
  bool runner(pthread_t& out) const noexcept {
    if (!started.load(std::memory_order_acquire)) return false;
    out = thread;
    return true;
  }
  // Called by the thread that ran it, once it has returned or thrown (before its future is
  // ready): a waiter is not blocked from then on.
  void finish() noexcept { finished.store(true, std::memory_order_release); }
  bool has_finished() const noexcept { return finished.load(std::memory_order_acquire); }

  const PoolRecord* const pool =
      nullptr;                     // the pool it was submitted to; null: a thread of its own
  const std::uint64_t number = 0;  // its number in that pool (#1, #2, ...)

 private:
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  pthread_t thread{};
};

// Runs `task` as the task `record` describes: start, then finish however it ends.
template <class Task>
decltype(auto) run_task(TaskRecord& record, Task&& task) {
  struct Finish {
    TaskRecord& record;
    ~Finish() { record.finish(); }
  } finish{record};
  record.start();
  return std::forward<Task>(task)();
}

// A fixed set of worker threads that run queued tasks in order (lockorder::thread_pool), as the
// wait-for graph reads it: a queued task starts only when a worker is free, so a wait for it is a
// wait for any one of the workers. The pool's own queue lives under `mu`, so that what the graph
// reads is what the pool does.
struct PoolRecord {
  explicit PoolRecord(const char* n) : name(n) {}
  PoolRecord(const PoolRecord&) = delete;
  PoolRecord& operator=(const PoolRecord&) = delete;

  const char* name;                    // for reports; nullptr: "pool"
  mutable std::mutex mu;               // a plain one: the runtime does not check it
  std::vector<pthread_t> workers;      // under mu
  std::vector<std::uint64_t> running;  // under mu: per worker, the task it runs; 0 when idle
  std::deque<std::uint64_t> queued;    // under mu: the tasks not started, oldest first
};

}  // namespace lockorder::internal
