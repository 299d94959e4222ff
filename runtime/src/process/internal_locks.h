// The runtime's own locks, and the one order they nest in.
//
// A thread that holds one of these may take only those listed after it, never one listed before
// it or the same one again:
//
//   symbolizer       Reporter: symbolizing a report's stacks (reads stacks from the graph)
//   graph            OrderChecker: the lock-order graph, its stacks and reports' raw material
//   settled_inserts  KnownOrders' shared settled set, inserts only (under the graph's lock)
//   wait_for_graph   WaitForGraph: who waits for whom
//   report_output    Reporter: writing reports, one at a time
//   options          the current options
//   thread_registry  ThreadRegistry: every thread's state (a leaf)
//   resolver         the deadlock resolver a watchdog installs (a leaf)
//
// fork() takes all of them in this order and releases them after it (process/fork_handlers.cc),
// so that a child never inherits one held by a thread it does not have. Debug builds check every
// acquisition against the locks the thread holds and abort, naming both, when it breaks the
// order; release builds check nothing. lockorder-check checks the same order statically over the
// runtime's sources (.ci/lockorder-self-check.json declares it).
#pragma once

#include <cstdint>

namespace lockorder::internal {

enum class InternalLock : std::uint8_t {
  symbolizer,
  graph,
  settled_inserts,
  wait_for_graph,
  report_output,
  options,
  thread_registry,
  resolver,
};

#ifdef NDEBUG
inline void internal_lock_acquiring(InternalLock) noexcept {}
inline void internal_lock_released(InternalLock) noexcept {}
#else
// Aborts when the calling thread holds `lock` or one listed after it; then records it as held.
void internal_lock_acquiring(InternalLock lock) noexcept;
void internal_lock_released(InternalLock lock) noexcept;
#endif

// `Mutex`, checked against the order as `Rank` (Lockable: std::lock_guard and std::unique_lock
// work with it).
template <class Mutex, InternalLock Rank>
class OrderedMutex {
 public:
  OrderedMutex() = default;
  OrderedMutex(const OrderedMutex&) = delete;
  OrderedMutex& operator=(const OrderedMutex&) = delete;

  void lock() {
    internal_lock_acquiring(Rank);
    mutex_.lock();
  }
  bool try_lock() {
    internal_lock_acquiring(Rank);
    if (mutex_.try_lock()) return true;
    internal_lock_released(Rank);
    return false;
  }
  void unlock() {
    mutex_.unlock();
    internal_lock_released(Rank);
  }

 private:
  Mutex mutex_;
};

}  // namespace lockorder::internal
