// The entry points the lock types and the preload library call. The blocking-acquisition
// fast path (nothing held, or a known chain) lives here and must stay free of global locks and
// allocation; everything else is delegated to OrderChecker and Reporter.
#include <time.h>

#include <algorithm>
#include <atomic>

#include "entry/entry_points.h"
#include "lockorder/internal/lock_hooks.h"
#include "lockorder/options.h"
#include "lockorder/report/dot_writer.h"
#include "lockorder/report/sarif_writer.h"
#include "lockorder/runtime.h"
#include "order/known_orders.h"
#include "order/order_checker.h"
#include "process/settings.h"
#include "reporting/reporter.h"
#include "threads/thread_state.h"
#include "waits/deadlock_recovery.h"
#include "waits/wait_for_graph.h"

namespace lockorder::internal {
namespace {

// Whether a wait beyond locks that polls can give up as a deadlock's victim: not under
// lockorder-run, where it is a C call that cannot throw.
#ifdef LOCKORDER_PRELOADED
constexpr bool kWaitsCanGiveUp = false;
#else
constexpr bool kWaitsCanGiveUp = true;
#endif

[[gnu::noinline]] std::uint64_t assign_node_key(LockMeta& lock) {
  std::uint64_t key = lock.lock_class != nullptr
                          ? order_checker().class_key(lock.lock_class, lock.rank)
                          : ensure_id(lock);
  lock.node_key.store(key, std::memory_order_relaxed);
  return key;
}

inline std::uint64_t node_key(LockMeta& lock) {
  std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
  return key != 0 ? key : assign_node_key(lock);
}

RawStack capture_from(std::uintptr_t entry_cfa) {
  return capture_stack(entry_cfa, current_options()->stack_depth);
}

void emit_all(const std::vector<RawReport>& reports, bool may_throw) {
  for (const RawReport& report : reports) reporter().emit(report, may_throw);
}

HeldLock* find_held(ThreadState& thread, const LockMeta& lock) { return thread.held.find(&lock); }

// Removes one entry (what the entries above it summarize of the ones below is re-derived).
void erase_held(ThreadState& thread, HeldLock* entry) {
  thread.held.erase(static_cast<std::size_t>(entry - thread.held.begin()));
}

// Drops the held entries that other threads said are held no longer (see DroppedHold).
[[gnu::noinline]] void drop_released_holds(ThreadState& thread) {
  for (const DroppedHold& dropped : thread_registry().take(thread)) {
    for (std::size_t i = thread.held.size(); i-- > 0;) {
      if (thread.held[i].lock == dropped.lock && thread.held[i].node_key == dropped.key) {
        erase_held(thread, &thread.held[i]);
        break;
      }
    }
  }
}

// Every path that reads the held entries beyond the fast path's comparisons calls this first.
inline void catch_up(ThreadState& thread) {
  if (thread.has_dropped_holds.load(std::memory_order_acquire)) [[unlikely]]
    drop_released_holds(thread);
}

// Whether the lock itself agrees that this thread holds it in `mode` (true when its state cannot
// be read). A record it contradicts is stale: the lock was released by another thread, or its
// memory was made into a new lock.
bool really_holds(const ThreadState& thread, const LockMeta& lock, Mode mode) {
  const NativeHolder native = native_holder(lock);
  if (!native.known) return true;
  return mode == Mode::shared ? native.shared : native.owner == thread.tid();
}

[[gnu::noinline]] std::uint32_t capture_site(ThreadState& thread, std::uintptr_t pc,
                                             std::uintptr_t cfa) {
  RawStack stack = capture_from(cfa);
  // Frame 1's stack pointer is the CFA of the frame that called the runtime: its return address
  // sits just below it, at a distance from `cfa` that is fixed for this pc.
  std::uint32_t caller_offset = 0;
  std::uintptr_t caller_return = 0;
  if (stack.pcs.size() > 1 && stack.callee_cfas[1] > cfa &&
      stack.callee_cfas[1] - sizeof(std::uintptr_t) - cfa < (1u << 20)) {
    caller_offset = static_cast<std::uint32_t>(stack.callee_cfas[1] - sizeof(std::uintptr_t) - cfa);
    caller_return = stack.pcs[1];
  }
  std::uint32_t id = order_checker().intern_stack(std::move(stack));
  thread.remember_site(pc, cfa, id, caller_offset, caller_return);
  return id;
}

// The site stack for an acquisition at (pc, cfa), captured on first sight.
std::uint32_t site_of(ThreadState& thread, std::uintptr_t pc, std::uintptr_t cfa) {
  std::uint32_t site = thread.site_stack(pc, cfa);
  return site != ThreadState::kNoStack ? site : capture_site(thread, pc, cfa);
}

// Where an acquisition happens: its pc, and the CFA of the runtime entry point it came through
// (a capture of its stack starts there); and, when the lock type's inline part read them
// (fast_path.h), the acquiring function's return address and CFA. Without those (caller 0), the
// held entry gets a full stack of the site from the thread's site cache.
struct AcquireSite {
  std::uintptr_t pc;
  std::uintptr_t cfa;
  std::uintptr_t caller = 0;
  std::uintptr_t caller_cfa = 0;
};

// `Room`: the fast path's promise that the stack has room (it cannot grow it: a call there would
// cost every acquisition the registers saved around it).
template <bool Room = false>
[[gnu::always_inline]] inline void push_held(ThreadState& thread, LockMeta& lock, std::uint64_t key,
                                             std::uint64_t chain, Mode mode, unsigned flags,
                                             bool tried, std::uintptr_t pc, std::uintptr_t caller,
                                             std::uintptr_t caller_cfa, std::uint32_t site) {
  HeldLock& h = Room ? thread.held.push_shallow() : thread.held.push_slot();
  h.start(&lock, key, chain, mode, pc, caller, caller_cfa, site,
          (flags & kOrdered) ? thread.ordered_groups : 0u);
  if (tried) h.tried = true;
}

[[gnu::noinline]] void check_rank(ThreadState& thread, LockMeta& lock, std::uintptr_t cfa) {
  const HeldLock* worst = nullptr;
  for (const HeldLock& h : thread.held)
    if (h.lock->rank >= lock.rank && (worst == nullptr || h.lock->rank > worst->lock->rank))
      worst = &h;
  if (worst == nullptr) return;
  const std::string why = "lock of rank " + std::to_string(lock.rank) +
                          " acquired while holding a lock of rank " +
                          std::to_string(worst->lock->rank);
  if (auto report =
          order_checker().hierarchy_violation(thread, *worst, lock, capture_from(cfa), why))
    reporter().emit(*report, true);
}

// The lock is already held by this thread by its records: re-entry, or a double-lock. Returns
// false, having done nothing, when the lock itself says the record is stale: the caller drops
// it and acquires afresh. So a double-lock that ends the program is one that would really hang.
[[gnu::noinline]] bool reacquire(ThreadState& thread, HeldLock& self, Mode mode, unsigned flags,
                                 std::uintptr_t cfa) {
  if (!really_holds(thread, *self.lock, self.mode)) return false;
  if (is_recursive(self.lock->kind) || (self.mode == Mode::shared && mode == Mode::shared)) {
    ++self.recursion;  // re-entry: no new order
    return true;
  }
  if (auto report = order_checker().double_lock(thread, self, capture_from(cfa)))
    reporter().emit(*report, true);
  if (flags & (kTimed | kFailsOnSelf)) {
    ++self.recursion;  // it will time out or fail; lock_failed undoes this
    return true;
  }
  reporter().on_certain_deadlock();
  // on_deadlock=wait: the native lock hangs, as it would without lockorder.
  return true;
}

// Whether the acquisition makes a chain of exactly one held lock and the new one (see
// KnownOrders::known_here).
inline bool is_single_chain(const ThreadState& thread, unsigned flags) {
  return thread.held.size() == 1 && flags == kBlocking;
}

// A chain of held locks that KnownOrders::known_here did not know: the rest of KnownOrders, then
// the graph (what is new goes in), and the chain is known from then on.
[[gnu::noinline]] void learn_chain(ThreadState& thread, LockMeta& lock, std::uint64_t key,
                                   Mode mode, unsigned flags, std::uint64_t chain,
                                   std::uintptr_t pc, std::uintptr_t cfa) {
  KnownOrders& known = known_orders();
  if (known.known_elsewhere(thread, lock, mode, flags)) return;
  if (!known.all_edges_settled(thread, lock, key, mode, flags))
    emit_all(order_checker().record_edges(thread, lock, mode, flags, pc, cfa), true);
  known.learned(thread, lock, mode, flags, chain);
}

// The general acquisition path (the fast paths are blocking_fast, below, and the lock types'
// inline part).
// Returns whether the thread holds other locks while it may block on this one: only then can its
// wait close a cycle of blocked threads (see WaitForGraph).
[[gnu::noinline]] bool acquire_slow(LockMeta& lock, Mode mode, unsigned flags,
                                    const AcquireSite& at) {
  ThreadState* thread = current_thread_state();
  if (thread == nullptr) [[unlikely]]
    return false;
  catch_up(*thread);
  thread->held.ensure_chains();
  const std::uint64_t key = node_key(lock);
  auto& held = thread->held;
  if (HeldLock* self = find_held(*thread, lock)) [[unlikely]] {
    if (reacquire(*thread, *self, mode, flags, at.cfa)) return false;
    erase_held(*thread, self);
  }
  std::uint64_t chain;
  if (held.empty()) [[likely]] {
    chain = extend_chain(0, key, mode, false, false);
  } else {
    const HeldLock& top = held.back();
    if (lock.rank > 0) [[unlikely]]
      check_rank(*thread, lock, at.cfa);
    const bool same_group =
        (flags & kOrdered) && top.group != 0 && top.group == thread->ordered_groups;
    chain = extend_chain(top.chain, key, mode, false, same_group);
  }
  // The site first: learning a chain reuses its stack when nothing changed in between.
  const std::uint32_t site =
      at.caller != 0 ? ThreadState::kNoStack : site_of(*thread, at.pc, at.cfa);
  if (!held.empty() && !known_orders().known_here(*thread, lock, mode, chain,
                                                  is_single_chain(*thread, flags))) [[unlikely]]
    learn_chain(*thread, lock, key, mode, flags, chain, at.pc, at.cfa);
  const bool may_deadlock =
      (holds_locks(*thread) || g_publish_every_wait.load(std::memory_order_relaxed) != 0) &&
      (flags & kTimed) == 0;
  push_held(*thread, lock, key, chain, mode, flags, false, at.pc, at.caller, at.caller_cfa, site);
  held.note_pushed();
  return may_deadlock;
}

// acquire_slow for a site without the inline part's words, in registers: the fast path below
// reaches it by a tail call.
[[gnu::noinline]] bool acquire_slow(LockMeta& lock, Mode mode, unsigned flags, std::uintptr_t pc,
                                    std::uintptr_t cfa) {
  return acquire_slow(lock, mode, flags, AcquireSite{pc, cfa});
}

bool release_slow(LockMeta& lock, std::uintptr_t cfa) noexcept;

// The fast path: a plain acquisition whose chain, site and lock this thread already knows. It
// only reads, writes one held-lock slot, and otherwise tail-calls the general path, so that the
// entry points built on it need no stack frame of their own. It comes in one copy per mode (a
// constant there, folded into the chain) and in two parts: nothing held, inline in the entry
// point, and something held, a function of its own; each has few enough values live to keep them
// all in registers, with nothing saved or restored.
// `key` is the lock's node key (set), and the lock has no rank.

// Something held (fewer than kShallow entries), a plain blocking acquisition whose chain is known
// (so the lock is not among the held entries: see KnownOrders): takes the lock on top. With the
// inline part's site (`caller` not 0) the entry takes it; otherwise the site must be in the
// thread's site cache, or nothing is done. `key`: the lock's node key (set).
template <Mode kMode>
[[gnu::always_inline]] inline bool push_known(ThreadState& thread, LockMeta& lock,
                                              std::uint64_t key, std::uint64_t chain,
                                              std::uintptr_t pc, std::uintptr_t cfa,
                                              std::uintptr_t caller, std::uintptr_t caller_cfa) {
  std::uint32_t site = ThreadState::kNoStack;
  if (caller == 0) {
    site = thread.site_stack(pc, cfa);
    if (site == ThreadState::kNoStack) [[unlikely]]
      return false;
  }
  push_held<true>(thread, lock, key, chain, kMode, kBlocking, false, pc, caller, caller_cfa, site);
  return true;
}

// Whether a nested acquisition may use the fast paths: something held, but not deeply, and the
// lock has its key and no rank.
inline bool nested_fast_eligible(const ThreadState* thread, const LockMeta& lock,
                                 std::uint64_t key) {
  return thread != nullptr && key != 0 && lock.rank == 0 && !thread->held.empty() &&
         thread->held.below_shallow_end();
}

// A nested acquisition whose chain the thread's cache did not have: the rest of what
// KnownOrders has at hand (a lock taken under exactly one other), else the general path.
template <Mode kMode>
[[gnu::noinline]] bool known_single_or_slow(LockMeta& lock, std::uintptr_t pc, std::uintptr_t cfa,
                                            std::uintptr_t caller, std::uintptr_t caller_cfa) {
  ThreadState* thread = thread_state_if_any();
  const std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
  if (nested_fast_eligible(thread, lock, key) && thread->held.size() == 1) {
    const std::uint64_t chain = chain_above(thread->held.back().chain, key, kMode);
    if (known_orders().known_single_kept(*thread, lock, kMode, chain) &&
        push_known<kMode>(*thread, lock, key, chain, pc, cfa, caller, caller_cfa))
      return true;
  }
  return acquire_slow(lock, kMode, kBlocking, AcquireSite{pc, cfa, caller, caller_cfa});
}

// Something held (fewer than kShallow entries): the chain must be known too. Anything not
// answered here goes on by a tail call: a call that returned here would make every acquisition
// save and restore registers around it.
template <Mode kMode>
[[gnu::noinline]] bool blocking_fast_nested(ThreadState& thread, LockMeta& lock, std::uint64_t key,
                                            std::uintptr_t pc, std::uintptr_t cfa) {
  const std::uint64_t chain = chain_above(thread.held.back().chain, key, kMode);
  if (KnownOrders::known_to_thread(thread, chain) &&
      push_known<kMode>(thread, lock, key, chain, pc, cfa, 0, 0)) [[likely]]
    return true;
  return known_single_or_slow<kMode>(lock, pc, cfa, 0, 0);
}

template <Mode kMode>
[[gnu::always_inline]] inline bool blocking_fast_keyed(LockMeta& lock, std::uint64_t key,
                                                       std::uintptr_t pc, std::uintptr_t cfa) {
  constexpr unsigned flags = kBlocking;
  ThreadState* thread = thread_state_if_any();
  if (thread == nullptr) [[unlikely]]
    return acquire_slow(lock, kMode, flags, pc, cfa);
  HeldStack& held = thread->held;
  if (!held.empty()) {
    if (!held.below_shallow_end()) [[unlikely]]
      return acquire_slow(lock, kMode, flags, pc, cfa);
    return blocking_fast_nested<kMode>(*thread, lock, key, pc, cfa);
  }
  const std::uint32_t site = thread->site_stack(pc, cfa);
  if (site == ThreadState::kNoStack) [[unlikely]]
    return acquire_slow(lock, kMode, flags, pc, cfa);
  push_held<true>(*thread, lock, key, bottom_chain(key, kMode, false), kMode, flags, false, pc, 0,
                  0, site);
  return g_publish_every_wait.load(std::memory_order_relaxed) != 0;
}

[[gnu::always_inline]] inline bool blocking_fast_keyed(LockMeta& lock, std::uint64_t key, Mode mode,
                                                       std::uintptr_t pc, std::uintptr_t cfa) {
  return mode == Mode::exclusive ? blocking_fast_keyed<Mode::exclusive>(lock, key, pc, cfa)
                                 : blocking_fast_keyed<Mode::shared>(lock, key, pc, cfa);
}

[[gnu::always_inline]] inline bool blocking_fast(LockMeta& lock, Mode mode, std::uintptr_t pc,
                                                 std::uintptr_t cfa) {
  const std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
  if (key == 0 || lock.rank != 0) [[unlikely]]
    return acquire_slow(lock, mode, kBlocking, pc, cfa);
  return blocking_fast_keyed(lock, key, mode, pc, cfa);
}

// `key`: the lock's node key, or 0 if it may not be set yet.
void try_acquired(LockMeta& lock, std::uint64_t key, Mode mode, std::uintptr_t pc,
                  std::uintptr_t cfa) noexcept {
  ThreadState* thread = current_thread_state();
  if (thread == nullptr) return;
  catch_up(*thread);
  if (HeldLock* self = find_held(*thread, lock)) {
    // The try succeeded: only re-entry explains a record of holding it already; any other
    // record is stale.
    if (is_recursive(lock.kind) || (self->mode == Mode::shared && mode == Mode::shared)) {
      ++self->recursion;
      return;
    }
    erase_held(*thread, self);
  }
  if (key == 0) key = node_key(lock);
  thread->held.ensure_chains();
  const std::uint64_t below = thread->held.empty() ? 0 : thread->held.back().chain;
  push_held(*thread, lock, key, extend_chain(below, key, mode, true, false), mode, kBlocking, true,
            pc, 0, 0, site_of(*thread, pc, cfa));
  thread->held.note_pushed();
}

[[gnu::always_inline]] inline bool release_fast(LockMeta& lock, std::uintptr_t cfa) noexcept {
  return release_top(t_thread_state, lock) || release_slow(lock, cfa);
}

// Returns whether the thread holds other locks across the wait (below the re-taken entry).
bool wait_released(LockMeta& lock, std::uintptr_t pc, std::uintptr_t cfa) {
  ThreadState* thread = current_thread_state();
  if (thread == nullptr) return false;
  catch_up(*thread);
  HeldLock* entry = find_held(*thread, lock);
  if (entry == nullptr) {
    reporter().emit(order_checker().unheld_unlock(*thread, lock, capture_from(cfa), false), false);
  } else {
    erase_held(*thread, entry);  // the wait releases it...
  }
  acquire_slow(lock, Mode::exclusive, kBlocking, AcquireSite{pc, cfa});  // ...and takes it back
  return thread->held.size() > 1 && thread->held.back().lock == &lock;
}

}  // namespace

#define LOCKORDER_CALLER_PC reinterpret_cast<std::uintptr_t>(__builtin_return_address(0))
#define LOCKORDER_OWN_CFA reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa())

bool before_lock(LockMeta& lock, Mode mode, unsigned flags) {
  return acquire_slow(lock, mode, flags, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA);
}

bool before_blocking_lock(LockMeta& lock, Mode mode) {
  return blocking_fast(lock, mode, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA);
}

void after_try_lock(LockMeta& lock, Mode mode) noexcept {
  try_acquired(lock, 0, mode, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA);
}

bool before_unlock(LockMeta& lock, Mode) noexcept { return release_fast(lock, LOCKORDER_OWN_CFA); }

template <Mode kMode>
bool acquire_from_inline(LockMeta& lock, std::uintptr_t pc, std::uintptr_t caller,
                         std::uintptr_t caller_cfa) {
  // The inline part asked the thread's chain cache already.
  return known_single_or_slow<kMode>(lock, pc, LOCKORDER_OWN_CFA, caller, caller_cfa);
}

template bool acquire_from_inline<Mode::exclusive>(LockMeta&, std::uintptr_t, std::uintptr_t,
                                                   std::uintptr_t);
template bool acquire_from_inline<Mode::shared>(LockMeta&, std::uintptr_t, std::uintptr_t,
                                                std::uintptr_t);

bool release_from_inline(LockMeta& lock) noexcept { return release_slow(lock, LOCKORDER_OWN_CFA); }

bool before_wait(LockMeta& lock) {
  return wait_released(lock, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA);
}

bool acquire_at(LockMeta& lock, std::uint64_t key, Mode mode, unsigned flags, const Site& site) {
  if (flags == kBlocking) return blocking_fast_keyed(lock, key, mode, site.pc, site.cfa);
  return acquire_slow(lock, mode, flags, site.pc, site.cfa);
}

void try_acquired_at(LockMeta& lock, std::uint64_t key, Mode mode, const Site& site) noexcept {
  try_acquired(lock, key, mode, site.pc, site.cfa);
}

bool release_at(LockMeta& lock, const Site& site) noexcept { return release_fast(lock, site.cfa); }

bool wait_at(LockMeta& lock, const Site& site) { return wait_released(lock, site.pc, site.cfa); }

namespace {

// Reports a deadlock that closed; breaks it when a resolver picks a victim, or else applies
// on_deadlock.
void act_on_deadlock(WaitForGraph::Deadlock& deadlock) {
  const bool resolved = resolve_deadlock(deadlock, deadlock.report);
  reporter().emit(deadlock.report, false);
  if (resolved) {
    throw_if_deadlock_victim();  // when this thread is the victim
    return;
  }
  reporter().on_certain_deadlock();
}

// Publishes the thread as blocked on its newest held entry, `lock` (by a native acquisition, or
// by a condition-variable wait that must take it back), and acts on a deadlock that closes.
// `pc`, `cfa`: the entry point's; the stack the thread blocks in is a site of its own, whose
// frames a deadlock report rebuilds the held locks' sites with.
void publish_wait(LockMeta& lock, WaitForGraph::Wait wait, std::uintptr_t pc, std::uintptr_t cfa,
                  const ArrivalMeta* notified_by = nullptr) {
  ThreadState* thread = current_thread_state();
  if (thread == nullptr || thread->held.empty() || thread->held.back().lock != &lock) return;
  std::optional<WaitForGraph::Deadlock> deadlock =
      wait_for_graph().block(*thread, wait, site_of(*thread, pc, cfa), notified_by);
  thread->wait_published = true;
  if (deadlock) act_on_deadlock(*deadlock);
}

}  // namespace

void begin_blocked_wait(LockMeta& lock, Mode) {
  publish_wait(lock, WaitForGraph::Wait::lock, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA);
}

void begin_condition_wait(LockMeta& lock, const ArrivalMeta* notified_by) {
  ThreadState* thread = current_thread_state();
  if (thread == nullptr) return;
  if (notified_by != nullptr && !thread->counts_every_wait) {
    // A notifier that blocks on a lock while holding none must publish that wait.
    g_publish_every_wait.fetch_add(1);
    thread->counts_every_wait = true;
  }
  try {
    publish_wait(lock, WaitForGraph::Wait::condition, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA,
                 notified_by);
  } catch (...) {
    end_blocked_wait();  // the caller's guard is not made when this throws
    throw;
  }
}

void end_blocked_wait() noexcept {
  ThreadState* thread = thread_state_if_any();
  if (thread == nullptr) return;
  if (thread->counts_every_wait) {
    thread->counts_every_wait = false;
    g_publish_every_wait.fetch_sub(1);
  }
  if (!thread->wait_published) return;
  thread->wait_published = false;
  wait_for_graph().unblock(*thread);
}

namespace {

// Publishes a wait beyond locks made by the calling thread (at `pc`, `cfa`) if it holds locks,
// or always when `even_holding_nothing`; acts on a deadlock that closes.
bool begin_wait_beyond_locks(WaitForGraph::BeyondLocks what, std::uintptr_t pc, std::uintptr_t cfa,
                             bool even_holding_nothing = false, bool polls = true,
                             bool timed = false) {
  even_holding_nothing = even_holding_nothing || g_every_wait_asked.load(std::memory_order_relaxed);
  ThreadState* thread = even_holding_nothing ? current_thread_state() : thread_state_if_any();
  // A wait by a thread that holds nothing closes no cycle through a lock it holds.
  if (thread == nullptr || (!holds_locks(*thread) && !even_holding_nothing) ||
      thread->beyond_locks_published)
    return false;
  g_publish_every_wait.fetch_add(1);  // from now on, a contended acquisition is published
  thread->beyond_locks_published = true;
  try {
    std::optional<WaitForGraph::Deadlock> deadlock = wait_for_graph().block_beyond_locks(
        *thread, what, site_of(*thread, pc, cfa), polls && kWaitsCanGiveUp && !timed, timed);
    if (!deadlock) return true;
    act_on_deadlock(*deadlock);
  } catch (...) {
    end_wait_beyond_locks();  // the caller's guard is not made when this throws
    throw;
  }
  return false;  // reported (on_deadlock=wait): nothing more to look for
}

}  // namespace

bool begin_join(pthread_t target) {
  return begin_wait_beyond_locks(target, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA);
}

bool begin_waitable_wait(const WaitableMeta& waitable) {
  return begin_wait_beyond_locks(&waitable, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA);
}

bool begin_timed_waitable_wait(const WaitableMeta& waitable) {
  if (!g_every_wait_asked.load(std::memory_order_relaxed)) return false;  // no one to show it to
  return begin_wait_beyond_locks(&waitable, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA, true, false,
                                 true);
}

bool begin_arrival_wait(const ArrivalMeta& arrival, bool polls) {
  return begin_wait_beyond_locks(&arrival, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA, false, polls);
}

bool begin_future_wait(const TaskRecord& task) {
  // A pool task that waits for one queued behind it starves the pool with no lock held.
  return begin_wait_beyond_locks(&task, LOCKORDER_CALLER_PC, LOCKORDER_OWN_CFA,
                                 task.pool != nullptr);
}

bool search_again_while_waiting() {
  ThreadState* thread = thread_state_if_any();
  if (thread == nullptr || !thread->beyond_locks_published) return false;
  throw_if_deadlock_victim();  // before the search, which would find the same deadlock again
  std::optional<WaitForGraph::Deadlock> deadlock = wait_for_graph().search_again(*thread);
  if (!deadlock) return true;
  act_on_deadlock(*deadlock);
  return false;
}

void await_thread_end(pthread_t target) {
  long pause_ns = 1'000'000;  // then twice as long each time, up to kWaitStepMs
  for (;;) {
    // A thread that ends leaves the registry (its state goes with it) before the join returns;
    // one that never took a lock has no state, and if it blocks on one later, it publishes.
    bool alive = false;
    thread_registry().visit(target, [&](ThreadState* state) { alive = state != nullptr; });
    if (!alive) return;
    timespec pause{0, pause_ns};
    nanosleep(&pause, nullptr);
    pause_ns = std::min(pause_ns * 2, kWaitStepMs * 1'000'000L);
    if (!search_again_while_waiting()) return;
  }
}

void end_wait_beyond_locks() noexcept {
  ThreadState* thread = thread_state_if_any();
  if (thread == nullptr || !thread->beyond_locks_published) return;
  thread->beyond_locks_published = false;
  wait_for_graph().unblock(*thread);
  g_publish_every_wait.fetch_sub(1);
}

void lock_failed(LockMeta& lock, Mode) noexcept {
  ThreadState* thread = current_thread_state();
  if (thread == nullptr) return;
  if (HeldLock* entry = find_held(*thread, lock)) {
    if (--entry->recursion == 0) erase_held(*thread, entry);
  }
}

namespace {

[[gnu::noinline]] bool release_slow(LockMeta& lock, std::uintptr_t cfa) noexcept {
  ThreadState* thread = current_thread_state();
  if (thread == nullptr) return true;
  catch_up(*thread);
  if (HeldLock* entry = find_held(*thread, lock)) {
    if (--entry->recursion == 0) erase_held(*thread, entry);
    return true;
  }
  const NativeHolder native = native_holder(lock);
  if (native.known && native.held && native.owner == thread->tid())
    return true;  // held after all (taken where the runtime did not see it): a plain release
  // Released by a thread that does not hold it. Where the C library lets that release through
  // (a normal mutex, whoever unlocks it), it goes through, and the holder stops counting it as
  // held; otherwise the lock is left as it was.
  const bool releases = native.known && native.held && native.owner != 0 &&
                        native_foreign_unlock_releases(lock.native, lock.native_layout);
  try {
    reporter().emit(order_checker().unheld_unlock(*thread, lock, capture_from(cfa), releases),
                    false);
    if (releases)
      thread_registry().post(native.owner, {&lock, lock.node_key.load(std::memory_order_relaxed)});
  } catch (...) {
    // Reporting must never turn an unlock into a crash; the report is lost only if it could
    // not even be built (out of memory).
  }
  return releases;
}

// A lock destroyed (or its memory re-initialized) while held: reported, and no thread's records
// keep it. `cfa`: the runtime entry point's, for the stack of the destruction.
void drop_destroyed_lock(LockMeta& lock, std::uintptr_t cfa) noexcept {
  try {
    ThreadState* thread = current_thread_state();
    const NativeHolder native = native_holder(lock);
    HeldLock* mine = thread != nullptr ? find_held(*thread, lock) : nullptr;
    const std::uint32_t holder = mine != nullptr     ? thread->ordinal()
                                 : native.owner != 0 ? thread_registry().ordinal_of(native.owner)
                                                     : 0;
    reporter().emit(
        order_checker().destroyed_while_held(thread, mine, lock, holder, capture_from(cfa)), false);
    if (mine != nullptr) erase_held(*thread, mine);
    const std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
    if (key != 0 && (mine == nullptr || native.shared))
      thread_registry().post_to_all({&lock, key}, thread);
  } catch (...) {
    // As for an unlock: a destructor must not throw.
  }
}

}  // namespace

void before_ordered_lock(LockMeta* const* sorted, unsigned count) {
  const auto cfa = reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa());
  ThreadState* thread = current_thread_state();
  if (thread == nullptr || count == 0) return;
  ++thread->ordered_groups;
  LockMeta& first = *sorted[0];
  auto sorts_after = [&first](const LockMeta& held) {
    return held.rank != first.rank
               ? held.rank > first.rank
               : held.id.load(std::memory_order_relaxed) > first.id.load(std::memory_order_relaxed);
  };
  for (const HeldLock& h : thread->held) {
    if (h.group == 0 || !sorts_after(*h.lock)) continue;
    const std::string why =
        "ordered_lock acquires a lock that sorts before one this thread "
        "already holds from an earlier ordered_lock";
    if (auto report =
            order_checker().hierarchy_violation(*thread, h, first, capture_from(cfa), why))
      reporter().emit(*report, true);
    return;
  }
}

void on_destroy(LockMeta& lock) noexcept { order_checker().remove_lock(lock); }

void on_destroy_held(LockMeta& lock) noexcept {
  drop_destroyed_lock(lock, reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa()));
  if (lock.graph_node.load(std::memory_order_acquire) != 0) on_destroy(lock);
}

void destroyed_while_held_at(LockMeta& lock, const Site& site) noexcept {
  drop_destroyed_lock(lock, site.cfa);
}

void initialized_at(LockMeta& lock, const Site& site) noexcept {
  // Enough frames to see past a wrapper (yarn's new_lock, say) to the code that wanted the lock;
  // an unwind of a few frames, once per lock.
  constexpr int kCreationFrames = 4;
  try {
    lock.created_stack = order_checker().intern_stack(capture_stack(site.cfa, kCreationFrames));
  } catch (...) {
    // Out of memory: the lock stays named by its address.
  }
}

#undef LOCKORDER_CALLER_PC
#undef LOCKORDER_OWN_CFA

}  // namespace lockorder::internal
