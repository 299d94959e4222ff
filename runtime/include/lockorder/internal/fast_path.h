// Internal: the part of an acquisition and a release that the lock types run inline. Not part of
// the public promise; use the types in <lockorder/mutex.h>.
//
// The inline part answers the commonest cases by itself, with no call: a plain blocking
// acquisition by a thread that holds nothing, or whose chain of held locks with the new one it
// has seen before (a chain hash, one probe of the thread's chain cache, one held-slot store),
// and the release of the lock on top of a shallow held stack. Everything else goes to the runtime's
// entry points (lock_hooks.h), with the acquisition site the inline part read for free: its own
// address, the acquiring function's return address and its CFA. Storing those three words is what
// keeps the stack of an acquisition off the fast path: the runtime rebuilds it only when an edge or
// a report needs it (derive_outer_stack).
//
// Inline in optimized x86-64 builds (LOCKORDER_INLINE_FAST_PATH, 0 or 1, overrides). Elsewhere,
// and in unoptimized builds, where a lock taken inside std::unique_lock's constructor would be
// placed by that constructor alone, the lock types call the entry points, which find the site's
// full stack in the thread's site cache.
#pragma once

#include <atomic>
#include <cstdint>

#include "lockorder/internal/hash_cache.h"
#include "lockorder/internal/held_stack.h"
#include "lockorder/internal/lock_hooks.h"

#ifndef LOCKORDER_INLINE_FAST_PATH
#if defined(__OPTIMIZE__) && defined(__x86_64__)
#define LOCKORDER_INLINE_FAST_PATH 1
#else
#define LOCKORDER_INLINE_FAST_PATH 0
#endif
#endif

namespace lockorder::internal {

// What a thread's state holds for the inline part; the runtime's ThreadState extends it.
struct ThreadHot {
  ThreadHot() = default;
  // kNoThreadState's.
  explicit constexpr ThreadHot(HeldStack::NeverFast never) : held(never), chains() {}

  HeldStack held;
  // Chains of held locks this thread learned (HeldLock::chain): each one's edges are settled,
  // none holds the lock taken last twice, and none ends in a ranked lock (see KnownOrders in the
  // runtime).
  HashCache chains{16384};
};

// The calling thread's state; before its first lock and while it is torn down, the one state no
// thread has, kNoThreadState, whose held stack sends every fast path to the runtime (so that the
// inline part needs no test for a null state). Initial-exec TLS: one instruction to reach it;
// constinit: no TLS wrapper call.
extern constinit ThreadHot kNoThreadState;
extern __attribute__((tls_model("initial-exec"))) constinit thread_local ThreadHot* t_thread_state;

// Non-zero while every blocking acquisition is published, not only the nested ones: the reasons
// (publish_every_wait, wait_for.h; each wait beyond locks in progress, such as a join made
// while holding a lock, whose releaser may block on a lock while holding none).
extern constinit std::atomic<unsigned> g_publish_every_wait;

// before_blocking_lock for an acquisition the inline part did not answer, at the site it read.
template <Mode kMode>
bool acquire_from_inline(LockMeta& lock, std::uintptr_t pc, std::uintptr_t caller,
                         std::uintptr_t caller_cfa);
extern template bool acquire_from_inline<Mode::exclusive>(LockMeta&, std::uintptr_t, std::uintptr_t,
                                                          std::uintptr_t);
extern template bool acquire_from_inline<Mode::shared>(LockMeta&, std::uintptr_t, std::uintptr_t,
                                                       std::uintptr_t);
// before_unlock for a release the inline part did not answer.
bool release_from_inline(LockMeta& lock) noexcept;

// Whether `lock` is the top of `thread`'s held stack, which is shallow, and then releases it
// there (one level of a recursive hold). The one definition of the fast release, out-of-line entry
// points included.
[[gnu::always_inline]] inline bool release_top(ThreadHot* thread, const LockMeta& lock) noexcept {
  // A shallow top that is the lock (on an empty stack, back() is the null-lock sentinel): a deep
  // one's top leaves the index, in the slow path.
  HeldStack& held = thread->held;
  if (!held.top_is_shallow() || held.back().lock != &lock) [[unlikely]]
    return false;
  HeldLock& top = held.back();
  if (top.recursion == 1) [[likely]]
    held.pop_shallow();
  else
    --top.recursion;
  return true;
}

// Same contract as before_blocking_lock.
template <Mode kMode>
[[gnu::always_inline]] inline bool acquire_blocking(LockMeta& lock) {
#if LOCKORDER_INLINE_FAST_PATH
  std::uintptr_t pc;
  asm volatile("lea 0(%%rip), %0" : "=r"(pc));  // volatile: one address per acquisition
  const auto caller = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  const auto caller_cfa = reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa());
  ThreadHot* thread = t_thread_state;
  const std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
  if (key != 0) [[likely]] {
    HeldStack& held = thread->held;
    std::uint64_t chain;
    bool nested = false;
    if (held.empty()) [[likely]] {
      chain = bottom_chain(key, kMode, false);  // nothing held: no order to check
    } else if (held.below_shallow_end()) {
      // A chain this thread learned: every edge it implies is in the graph, the lock is not held
      // already, and it has no rank to check.
      chain = chain_above(held.back().chain, key, kMode);
      if (!thread->chains.contains(chain)) [[unlikely]]
        return acquire_from_inline<kMode>(lock, pc, caller, caller_cfa);
      nested = true;
    } else {
      return acquire_from_inline<kMode>(lock, pc, caller, caller_cfa);
    }
    // A shallow stack has room (see HeldStack).
    held.push_shallow().start(&lock, key, chain, kMode, pc, caller, caller_cfa, kNoSiteStack, 0);
    return nested || g_publish_every_wait.load(std::memory_order_relaxed) != 0;
  }
  return acquire_from_inline<kMode>(lock, pc, caller, caller_cfa);
#else
  return before_blocking_lock(lock, kMode);
#endif
}

// Same contract as before_unlock.
[[gnu::always_inline]] inline bool release(LockMeta& lock, Mode mode) noexcept {
#if LOCKORDER_INLINE_FAST_PATH
  (void)mode;
  return release_top(t_thread_state, lock) || release_from_inline(lock);
#else
  return before_unlock(lock, mode);
#endif
}

}  // namespace lockorder::internal
