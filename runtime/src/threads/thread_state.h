// ThreadState: what one thread knows, touched only by that thread on the locking path: its
// held-lock stack (ThreadHot, lockorder/internal/fast_path.h: each entry carrying a hash of the
// chain of locks held up to it, with their modes), its part of the known orders
// (order/known_orders.h), and its cache of acquisition sites' stacks.
#pragma once

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockorder/internal/fast_path.h"
#include "lockorder/internal/lock_meta.h"
#include "order/thread_orders.h"
#include "process/adaptive_mutex.h"
#include "process/internal_locks.h"

namespace lockorder::internal {

// A held lock this thread must stop counting as held, posted by another thread: the lock was
// released by a thread that did not take it (and the C library let that release through), or
// destroyed. Matched by the lock's address and node key, so a new lock at the same address is
// left alone.
struct DroppedHold {
  const LockMeta* lock = nullptr;
  std::uint64_t key = 0;
};

class ThreadState : public ThreadHot {
 public:
  explicit ThreadState(std::uint32_t ordinal) : ordinal_(ordinal) { refresh_tid(); }

  // A full stack this thread captured the first time it acquired a lock at `pc` with the stack
  // pointer at `cfa`, called from the same place one frame further out, or kNoStack. It stands
  // in for the stack of a later acquisition there when the frame that made that acquisition has
  // returned by the time an edge needs it (a lock taken inside std::lock_guard's constructor
  // when the compiler did not inline it, or inside a user's helper).
  //
  // "Called from the same place" is checked without unwinding: for a given pc, the function
  // making the call keeps its return address at a fixed distance above `cfa`, learnt from the
  // first capture; comparing that one stack word tells the callers apart.
  static constexpr std::uint32_t kNoStack = kNoSiteStack;
  [[gnu::no_sanitize_address]] std::uint32_t site_stack(std::uintptr_t pc,
                                                        std::uintptr_t cfa) const {
    // A small set per (pc, cfa): one out-of-line helper (say std::lock_guard's constructor at
    // -O0) is called from several places at the same depth.
    const SiteSlot* set = &sites_[site_set(pc, cfa)];
    for (std::size_t way = 0; way < kSiteWays; ++way)
      if (matches(set[way], pc, cfa)) return set[way].stack;
    return kNoStack;
  }
  void remember_site(std::uintptr_t pc, std::uintptr_t cfa, std::uint32_t stack,
                     std::uint32_t caller_offset, std::uintptr_t caller_return) {
    SiteSlot* set = &sites_[site_set(pc, cfa)];
    for (std::size_t way = kSiteWays - 1; way > 0; --way) set[way] = set[way - 1];  // newest first
    set[0] = SiteSlot{pc, cfa, caller_return, stack, caller_offset};
  }

  // The highest address of this thread's stack (from pthread_getattr_np, read once).
  std::uintptr_t stack_top();
  // The site stacks for (pc, cfa) whatever the caller (kNoStack where none), for a check with
  // stack_is_current.
  std::array<std::uint32_t, 4> site_stacks_any_caller(std::uintptr_t pc, std::uintptr_t cfa) const {
    std::array<std::uint32_t, 4> found;
    const SiteSlot* set = &sites_[site_set(pc, cfa)];
    for (std::size_t way = 0; way < kSiteWays; ++way)
      found[way] = set[way].pc == pc && set[way].cfa == cfa ? set[way].stack : kNoStack;
    return found;
  }

  std::uint32_t ordinal() const { return ordinal_; }
  // "T3 'worker'": the ordinal and the name given with set_thread_name, or else the thread's
  // system name (pthread_setname_np) as it was when the label was first needed.
  const std::string& label();
  void set_name(std::string name) {
    name_ = std::move(name);
    label_.clear();
  }

  // The kernel's id of the thread (gettid); refreshed in a fork child.
  int tid() const { return tid_; }
  void refresh_tid();

  ThreadOrders orders;  // what this thread knows of the lock order (order/known_orders.h)
  // Set (after a post to dropped_holds_) when another thread asks this one to drop held entries.
  std::atomic<bool> has_dropped_holds{false};
  // Set by the deadlock resolver (under the wait-for graph's lock) while this thread is blocked.
  std::atomic<bool> chosen_victim{false};
  std::uint32_t ordered_groups = 0;  // ordered_lock calls so far; the newest is the current group
  bool wait_published = false;       // in the WaitForGraph, blocked on its newest held entry
  bool counts_every_wait = false;    // a condition wait of it counts in g_publish_every_wait
  bool beyond_locks_published = false;      // in the WaitForGraph, in a join or a semaphore wait
  const pthread_t handle = pthread_self();  // as pthread_join names the thread

 private:
  static constexpr std::size_t kSiteCacheSize = 256;
  static constexpr std::size_t kSiteWays = 4;
  struct SiteSlot {
    std::uintptr_t pc = 0;
    std::uintptr_t cfa = 0;
    std::uintptr_t caller_return = 0;
    std::uint32_t stack = kNoStack;
    std::uint32_t caller_offset = 0;  // 0: unknown, the caller is not checked
  };
  [[gnu::no_sanitize_address]] static bool matches(const SiteSlot& s, std::uintptr_t pc,
                                                   std::uintptr_t cfa) {
    return s.pc == pc && s.cfa == cfa &&
           (s.caller_offset == 0 ||
            *reinterpret_cast<const std::uintptr_t*>(cfa + s.caller_offset) == s.caller_return);
  }
  static std::size_t site_set(std::uintptr_t pc, std::uintptr_t cfa) {
    return ((pc ^ (cfa << 7)) * 0x9E3779B97F4A7C15ull >> 56) % (kSiteCacheSize / kSiteWays) *
           kSiteWays;
  }

  std::array<SiteSlot, kSiteCacheSize> sites_{};
  std::uint32_t ordinal_;
  int tid_ = 0;
  std::string name_;
  std::string label_;  // cached: reading the system name costs a system call
  std::uintptr_t stack_top_ = 0;

  friend class ThreadRegistry;
  std::vector<DroppedHold> dropped_holds_;  // guarded by the registry's mutex
};

// Every live thread's state, so that one thread can tell another that a lock it counts as held
// is not held any more. Its mutex is a leaf among the runtime's internal locks: nothing else is
// taken while it is held.
class ThreadRegistry {
 public:
  void add(ThreadState& thread);
  void remove(ThreadState& thread);
  // Posts `dropped` to the thread with kernel id `tid`; false when no such thread is known.
  bool post(int tid, const DroppedHold& dropped);
  // Posts `dropped` to every thread but `except`.
  void post_to_all(const DroppedHold& dropped, const ThreadState* except);
  // What was posted to `thread` since the last call (called by that thread only).
  std::vector<DroppedHold> take(ThreadState& thread);
  // The ordinal of the thread with kernel id `tid`, or 0.
  std::uint32_t ordinal_of(int tid);
  // Calls `visit` with the state of the live thread `handle` names (nullptr when it has none, or
  // has ended), under the registry's lock: the state cannot end meanwhile.
  template <class Visit>
  void visit(pthread_t handle, Visit&& visit) {
    visit_first([handle](const ThreadState* t) { return pthread_equal(t->handle, handle) != 0; },
                visit);
  }
  // The same for the live thread whose kernel id is `tid`.
  template <class Visit>
  void visit_tid(int tid, Visit&& visit) {
    visit_first([tid](const ThreadState* t) { return t->tid() == tid; }, visit);
  }
  // fork(): held across it; in the child only `survivor` (the forking thread's state, if it has
  // one) remains.
  void lock_for_fork();
  void unlock_after_fork(bool in_child, ThreadState* survivor);

 private:
  template <class Match, class Visit>
  void visit_first(Match match, Visit& visit) {
    std::lock_guard guard(mu_);
    for (ThreadState* thread : threads_)
      if (match(thread)) return visit(thread);
    visit(static_cast<ThreadState*>(nullptr));
  }

  OrderedMutex<AdaptiveMutex, InternalLock::thread_registry> mu_;
  std::vector<ThreadState*> threads_;
};

ThreadRegistry& thread_registry();

ThreadState* create_thread_state() noexcept;

// Threads are numbered (T1, T2, ...) when their state is created, on their first lock, unless
// the number was reserved when the thread was created: the preload library reserves one in its
// pthread_create, so that under lockorder-run numbers follow creation order, as ThreadSanitizer's
// do. adopt_thread_ordinal runs on the new thread, before its first lock.
std::uint32_t reserve_thread_ordinal() noexcept;
void adopt_thread_ordinal(std::uint32_t ordinal) noexcept;

// The calling thread's state (t_thread_state, fast_path.h), or nullptr.
inline ThreadState* thread_state_if_any() noexcept {
  ThreadHot* state = t_thread_state;
  return state != &kNoThreadState ? static_cast<ThreadState*>(state) : nullptr;
}

// Whether `thread` holds a lock: its own life (thread_life.h), at the bottom of its held stack,
// is not one.
inline bool holds_locks(const ThreadState& thread) {
  const std::size_t n = thread.held.size();
  return n > 1 || (n == 1 && thread.held[0].lock->kind != LockKind::thread);
}

// The calling thread's state, created on first use; nullptr while the thread is being torn down
// (its locks are then no longer checked).
inline ThreadState* current_thread_state() noexcept {
  ThreadState* state = thread_state_if_any();
  if (__builtin_expect(state == nullptr, 0)) state = create_thread_state();
  return state;
}

inline std::uint64_t edge_key(std::uint64_t from, std::uint64_t to, Mode held, Mode acquired) {
  return extend_chain(from * 0xD6E8FEB86659FD93ull, to, acquired, held == Mode::shared, false);
}

// An edge taken with given locks below its outer lock (`below`: the chain of the held entry under
// the outer one). Recording the edge again with the same locks below cannot change it: its gates
// are the locks below, and intersecting with the same set again leaves them as they are.
inline std::uint64_t edge_below_key(std::uint64_t edge, std::uint64_t below) {
  return extend_chain(edge, below, Mode::exclusive, true, true);
}

}  // namespace lockorder::internal
