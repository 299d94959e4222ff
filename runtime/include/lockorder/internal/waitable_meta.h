// Internal: what the runtime keeps of a wait that is not a lock (a semaphore, a future): who can
// end it. Not part of the public promise; use <lockorder/semaphore.h> and <lockorder/future.h>.
#pragma once

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <source_location>

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
  // The threads that released it, newest first.
  template <class Visit>
  void visit_posters(Visit&& visit) const {
    std::lock_guard guard(mu);
    for (std::size_t i = 0; i < count; ++i) visit(posters[i]);
  }

  const char* name;  // for reports; nullptr: "S<address>"
  std::source_location site;

 private:
  mutable std::mutex mu;  // a plain one: the runtime does not check it
  std::atomic<pthread_t> newest{};
  std::array<pthread_t, kPosters> posters{};
  std::size_t count = 0;
};

// A task whose result a future carries (lockorder::async): the thread that runs it, once it
// has started, is the one that will make the future ready.
struct TaskRecord {
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

 private:
  std::atomic<bool> started{false};
  pthread_t thread{};
};

}  // namespace lockorder::internal
