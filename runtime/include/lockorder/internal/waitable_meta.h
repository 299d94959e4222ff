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
#include <vector>

namespace lockorder::internal {

// A semaphore has no owner: the threads that can release it are the ones that have (the rule
// the wait-for graph follows, docs/runtime.md). It keeps the kPosters most recent of them.
struct WaitableMeta {
  static constexpr std::size_t kPosters = 8;

  explicit WaitableMeta(const char* n, const std::source_location& s) : name(n), site(s) {}
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

  const char* name;  // for reports; nullptr: "S<address>"
  std::source_location site;

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
  enum class Kind { latch, barrier, condition_variable };

  ArrivalMeta(const char* n, Kind k, const std::source_location& s) : name(n), kind(k), site(s) {}
  ArrivalMeta(const ArrivalMeta&) = delete;
  ArrivalMeta& operator=(const ArrivalMeta&) = delete;

  // Brackets a wait on it by the calling thread.
  void begin_wait() {
    std::lock_guard guard(mu);
    waiting.push_back(pthread_self());
  }
  void end_wait() noexcept {
    const pthread_t self = pthread_self();
    std::lock_guard guard(mu);
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (pthread_equal(waiting[i], self)) {
        waiting[i] = waiting.back();
        waiting.pop_back();
        return;
      }
    }
  }
  // Whether the thread `handle` names waits on it now.
  bool waits_on_it(pthread_t handle) const {
    std::lock_guard guard(mu);
    for (pthread_t t : waiting)
      if (pthread_equal(t, handle)) return true;
    return false;
  }

  const char* kind_name() const {
    return kind == Kind::latch ? "latch" : kind == Kind::barrier ? "barrier" : "condition variable";
  }

  const char* name;  // for reports; nullptr: "<kind> at <file>:<line>"
  const Kind kind;
  std::source_location site;

 private:
  mutable std::mutex mu;  // a plain one: the runtime does not check it
  std::vector<pthread_t> waiting;
};

struct PoolRecord;

// Marks the calling thread as one that waits on `arrival` (unless null), for its scope.
class waiting_at {
 public:
  explicit waiting_at(ArrivalMeta* arrival) : arrival_(arrival) {
    if (arrival_ != nullptr) arrival_->begin_wait();
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

  const PoolRecord* const pool =
      nullptr;                     // the pool it was submitted to; null: a thread of its own
  const std::uint64_t number = 0;  // its number in that pool (#1, #2, ...)

 private:
  std::atomic<bool> started{false};
  pthread_t thread{};
};

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
