// The live wait-for graph: which threads are blocked on which instrumented locks right now, and
// how a deadlock among them can be broken instead of ending the process.
//
// Contract:
//   - blocked_threads() is a consistent snapshot: every thread in it truly holds what it lists
//     and truly waits for its lock at the moment of the snapshot. By default only a thread that
//     holds another lock publishes its wait (only those can deadlock); after
//     publish_every_wait(true) every blocking acquisition that finds its lock taken publishes,
//     and so does every join, semaphore, latch, barrier and future wait of the linked types
//     (a wait on a pool task always does), so that a watchdog can say what any stuck thread
//     waits for. Costs nothing while no thread
//     waits; a wait costs one internal lock when it begins and ends.
//   - A holder is known when it is itself blocked on an instrumented lock (then it is in the
//     snapshot); a holder that runs, sleeps or waits on something else is not named.
//   - A deadlock resolver, when installed, is asked to pick a victim among the threads of each
//     deadlock the moment the last of them blocks. The victim's blocked acquisition then fails:
//     it throws lockorder::deadlock_victim (the lock was not taken), its RAII guards release
//     what it holds while the exception unwinds, and the other threads proceed. A victim that is
//     already blocked notices within a few milliseconds (its wait polls while a resolver is
//     installed). When the resolver picks no one, on_deadlock applies as usual.
//   - A thread that waits on a condition variable while it holds other locks is published as
//     waiting for the wait's mutex (kind condition): the wait cannot return without it. Waits
//     beyond locks (joins, semaphores, latches, barriers, futures, docs/runtime.md) are
//     published with their kind, and `waits_for` says what they wait for in words.
//   - Only the linked types can be victims (can_give_up): an acquisition, and a join, semaphore,
//     latch, barrier or future wait, each of which waits in steps; not a condition-variable
//     wait, whose native wait cannot give up. A preloaded pthread call cannot throw through C
//     code, so there on_deadlock always applies. A victim that cannot give up is refused: the
//     deadlock is then left to on_deadlock.
// Thread-safety: every function may be called from any thread. The resolver runs on the thread
// that closed the cycle, with no lockorder-internal lock held; it must not block on a lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lockorder {

// What a blocked thread waits in.
enum class wait_kind {
  lock,          // an acquisition of the lock `waits_for`
  condition,     // a condition-variable wait, which must take its mutex `waits_for` back
  join,          // a join: `waits_for` is "T2 to end"
  semaphore,     // a semaphore wait
  arrival,       // a latch or barrier wait
  notification,  // a condition_variable_any wait, for a notifier
  future,        // a future's wait: `waits_for` names the task, and for a queued pool task the
                 // task each worker runs
};

struct blocked_thread {
  int thread_id = 0;      // the kernel's thread id (gettid())
  std::string thread;     // as reports name it: "T3 'worker'"
  std::string waits_for;  // what it is blocked on, as reports name it
  wait_kind kind = wait_kind::lock;
  bool shared = false;  // waits for a read (shared) acquisition
  // Whether the wait can give up when chosen as a deadlock's victim (see above).
  bool can_give_up = false;
  // A wait with a timeout (a semaphore's), shown after publish_every_wait(true) only: it ends by
  // itself, so it is never part of a deadlock, but a worker that waits again and again is stuck.
  bool timed = false;
  std::vector<std::string> holds;  // locks it holds while it waits
  std::vector<int> blocked_by;     // thread ids of blocked threads it waits for
  std::chrono::nanoseconds waited{0};
};

std::vector<blocked_thread> blocked_threads();

// Publishes every blocked acquisition, not only those made while holding another lock.
void publish_every_wait(bool on);

// Returns the index in `cycle` of the thread whose acquisition should fail, or nullopt to leave
// the deadlock to on_deadlock. `cycle` lists the threads in wait order (each waits for the next).
using deadlock_resolver =
    std::function<std::optional<std::size_t>(const std::vector<blocked_thread>& cycle)>;
// Installs `resolver` (an empty function uninstalls).
void set_deadlock_resolver(deadlock_resolver resolver);

// Thrown from the blocked acquisition (or join, semaphore, latch, barrier or future wait) of a
// thread chosen to break a deadlock. The lock was not taken (the wait did not end); retrying the
// work from the start (after its guards released their locks) is safe.
class deadlock_victim : public std::runtime_error {
 public:
  explicit deadlock_victim(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace lockorder
