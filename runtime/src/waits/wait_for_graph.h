// WaitForGraph: which threads are blocked on which locks right now, and whether they are blocked
// in a cycle (a deadlock, not a potential one).
//
// Only threads that may be part of a deadlock publish: a thread that holds another lock (or asks
// for a writer-preferring read-write lock) and found the lock taken when it tried it; with
// publish_every_wait (a watchdog explaining stalls), every thread that found its lock taken. It
// publishes, under one internal mutex, the lock it waits for and the locks it holds, then
// blocks; it withdraws once the native lock returns, before it can release anything. So every
// snapshot is consistent: a published thread truly holds what it published and truly has not got
// what it waits for. The last thread to block in a cycle finds it: every other member has
// already published.
//
// Wait-for edges (a blocked thread waits for ALL of them, so any cycle is a deadlock):
//   - to every published holder of the lock in a conflicting mode (writer/any, any/writer);
//   - for a read request on a writer-preferring read-write lock, also to every published writer
//     queued on it: new readers queue behind a waiting writer.
// A thread that waits on a condition variable while it holds other locks is published as
// waiting for the wait's mutex from the start of the wait: the wait can only return by taking
// the mutex back, signalled or not, so a cycle through it is a deadlock all the same. Timed
// acquisitions are never published: they can time out.
//
// A thread that joins another while it holds locks (begin_join) is published as waiting for that
// thread to end. Its edge leads to the joined thread: to its published wait, or, when it blocks
// in an acquisition it did not publish (it held no other lock), to a node made for that wait
// from what the kernel says it waits on (futex_wait.h): a futex wait, with no timeout, on a word
// of a lock that a published thread holds. That is sound evidence: the holder is blocked, so the
// waiter cannot get the lock. While a join is in progress, every contended acquisition is
// published (g_publish_every_wait), so a joined thread that blocks later closes the cycle itself;
// one that was on its way to block when the join began is found by the joiner, which searches
// again every few milliseconds while it waits (search_again).
//
// A thread that waits on a semaphore while it holds locks is published too. A semaphore has no
// owner: its edges lead to the threads that released it before (WaitableMeta), and the waiter
// is blocked for good only when every one of them is (it waits for any one of them). A latch or
// a barrier has none either: its edges lead to every other thread of the process that does not
// wait on it (ArrivalMeta), any one of which may still arrive.
#pragma once

#include <pthread.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "lockorder/internal/lock_meta.h"
#include "lockorder/internal/waitable_meta.h"
#include "lockorder/wait_for.h"
#include "process/adaptive_mutex.h"
#include "process/internal_locks.h"
#include "reporting/raw_report.h"
#include "threads/thread_state.h"

namespace lockorder::internal {

class WaitForGraph {
 public:
  struct Deadlock {
    RawReport report;
    std::vector<const ThreadState*> threads;  // in wait order, `thread` of block() first
    std::vector<blocked_thread> view;         // the same threads, as the public API shows them
  };
  // How the thread waits: for its pending lock, in the native acquisition or in a
  // condition-variable wait that must take the lock back before it returns; or for something
  // that is not a lock (BeyondLocks).
  enum class Wait { lock, condition, join, waitable, future, arrival };
  // What a wait beyond locks waits for, and so its Wait: the end of the thread a pthread_t
  // names (join), a semaphore (waitable), the future of a task lockorder::async runs (future),
  // a latch or barrier (arrival).
  using BeyondLocks =
      std::variant<pthread_t, const WaitableMeta*, const TaskRecord*, const ArrivalMeta*>;
  // Publishes that `thread` is about to block on its newest held entry (the pending acquisition)
  // while holding the entries below it; `stack`: the stack it blocks in (a StackDepot id), or
  // ThreadState::kNoStack. Returns the deadlock if that closes a cycle.
  // For a condition wait, `notified_by`: the condition variable, when the runtime knows which
  // threads wait on it (any other thread may notify it).
  std::optional<Deadlock> block(ThreadState& thread, Wait wait = Wait::lock,
                                std::uint32_t stack = ThreadState::kNoStack,
                                const ArrivalMeta* notified_by = nullptr);
  // Publishes that `thread` is about to wait for `what` while holding every entry of its held
  // stack; `cancellable`: the wait polls, and can give up as a deadlock's victim. Returns the
  // deadlock if that closes one.
  std::optional<Deadlock> block_beyond_locks(ThreadState& thread, BeyondLocks what,
                                             std::uint32_t stack, bool cancellable,
                                             bool timed = false);
  // Searches again for a cycle through what `thread` published: a joined thread that blocks
  // where it publishes nothing is seen only by asking again while the join waits.
  std::optional<Deadlock> search_again(const ThreadState& thread);
  // Marks a blocked member of a deadlock as its victim; false if it no longer waits, or waits
  // where it cannot give up (a condition-variable wait, a wait beyond locks that does not poll).
  bool choose_victim(const ThreadState* thread);
  std::vector<blocked_thread> snapshot();
  // Withdraws what `thread` published. No-op for a thread that is not published.
  void unblock(const ThreadState& thread) noexcept;
  // fork(): held across it; in the child, only the forking thread survives.
  void lock_for_fork() { mu_.lock(); }
  void unlock_after_fork(const ThreadState* child_survivor) noexcept;
  std::size_t blocked_threads();

 private:
  struct Waiter {
    const ThreadState* thread = nullptr;
    // The thread's own label (read under mu_): only the thread itself renames itself, and it is
    // blocked (a signal handler that called set_thread_name there would race with a reader).
    const std::string* label = nullptr;
    HeldLock pending;  // its lock is null for a join
    Wait wait = Wait::lock;
    BeyondLocks beyond;                           // what it waits for, when that is not a lock
    std::uint32_t stack = ThreadState::kNoStack;  // where it blocks
    std::vector<HeldLock> holds;
    std::chrono::steady_clock::time_point since;
    bool cancellable = false;  // a wait beyond locks that can give up (block_beyond_locks)
    bool timed = false;        // a wait with a timeout, shown only: it ends by itself
  };
  // A member of a deadlock, copied out under mu_ to be reported without it.
  // What a member of a deadlock is blocked for, decided once for every part of its report.
  enum class Blocked {
    lock,          // a lock
    condition,     // the mutex a condition wait must take back
    join,          // a thread's end
    task,          // the thread that runs a task whose future it waits for
    queued_task,   // a free worker of the pool whose queued task's future it waits for
    semaphore,     // a semaphore's releasers
    arrival,       // the threads that have not arrived at a latch or barrier
    notification,  // a notifier of a condition variable
    promise,       // a setter of a lockorder::promise
  };
  struct Member {
    Waiter waiter;
    std::string label;
    Blocked blocked = Blocked::lock;
    std::string task;  // for a future wait: describe_task
  };
  // What a waiter waits for: it is blocked for good when any one of `every` is, or when all of
  // `any` are (and there is one).
  struct Successors {
    std::vector<const Waiter*> every;
    std::vector<const Waiter*> any;
  };
  // A cycle of waiters, each waiting for the next; via_any[i]: member i waits for member i + 1
  // as one of its `any` successors.
  struct Cycle {
    std::vector<const Waiter*> members;
    std::vector<bool> via_any;
  };
  void unblock_locked(const ThreadState& thread) noexcept;
  // What `thread` publishes for a wait of kind `wait`: for a lock or condition wait, its newest
  // held entry is the pending acquisition; for the others, it holds every entry.
  static Waiter waiter_of(ThreadState& thread, Wait wait, std::uint32_t stack);
  std::optional<Deadlock> publish(Waiter waiter);
  void copy_members(const Cycle& found, std::vector<Member>& cycle, Deadlock& deadlock) const;
  Successors successors(const Waiter& waiter) const;
  // The nodes of every other thread of the process that does not wait on `arrival` (a latch,
  // barrier or condition variable), as `any` successors of `waiter`.
  std::vector<const Waiter*> not_waiting_on(const ArrivalMeta& arrival, const Waiter& waiter) const;
  // The thread `handle` names as a node: its published wait, or one made from the futex wait
  // the kernel shows it in (kept in made_ until the next search), or null when it waits for
  // nothing known (it runs, or has ended).
  const Waiter* node_of(pthread_t handle, const Waiter& asker) const;
  // The same for a thread's state (null: none).
  const Waiter* node_of_state(const ThreadState* target, const Waiter& asker) const;
  // A node for `target`, which is not published, made from the futex word `word` it waits on
  // (0: none) when that is a word of a lock a published thread holds; else null.
  const Waiter* node_blocked_on(const ThreadState& target, std::uintptr_t word,
                                const Waiter& asker) const;
  // The successors of a wait for any one of `candidates` (a semaphore's releasers, a latch's
  // threads that have not arrived): a node for each, or none at all when one of them may still
  // move (it runs, or waits for something the graph does not know), or none is known.
  template <class ForEachCandidate>
  std::vector<const Waiter*> any_of_successors(ForEachCandidate&& for_each) const;
  // The waiters of a deadlock through `start`, in wait order (each waits for the next), or
  // empty. A lock or join waits for every one of its successors, so one blocked for good blocks
  // it; a semaphore, latch or barrier wait waits for any one of its releasers, so all of them
  // must be.
  Cycle find_cycle(const Waiter& start);
  // A future wait's task in words: "a task that T3 runs", "task #5 of pool io, which T3 runs",
  // "task #5 of pool io, queued behind 2 tasks; the workers: T2 runs task #1, T3 runs task #2".
  std::string describe_task(const Waiter& waiter, bool& queued) const;
  // A thread as a node's label names it, or by its number when it published nothing.
  std::string name_of(pthread_t handle, const Waiter& asker) const;
  // `via_any`: what leads on from it in the cycle is one of its `any` successors.
  static Blocked classify(const Waiter& waiter, bool via_any);
  static RawReport deadlock_report(const std::vector<Member>& cycle);
  static const char* deadlock_hint(const std::vector<Member>& cycle);
  static wait_kind kind_of(const Waiter& waiter);
  blocked_thread view(const Waiter& waiter, std::chrono::steady_clock::time_point now) const;

  OrderedMutex<AdaptiveMutex, InternalLock::wait_for_graph> mu_;
  std::unordered_map<const ThreadState*, Waiter> waiters_;
  std::unordered_multimap<const LockMeta*, const Waiter*> holders_;
  std::unordered_multimap<const LockMeta*, const Waiter*> queued_;
  mutable std::deque<Waiter> made_;         // nodes made by node_of(), for one search
  mutable std::deque<std::string> labels_;  // their labels
};

WaitForGraph& wait_for_graph();

}  // namespace lockorder::internal
