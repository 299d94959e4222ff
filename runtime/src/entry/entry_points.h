// The runtime entry points for callers whose acquisition site is not their own return address:
// the preload library's pthread interposers pass the site of the call into pthread_*, so that
// stacks, site caches and reports point at the program, not at the interposer.
//
// Same contracts as the entry points in lockorder/internal/lock_meta.h.
#pragma once

#include <cstdint>

#include "lockorder/internal/lock_hooks.h"

namespace lockorder::internal {

struct Site {
  std::uintptr_t pc;   // return address into the code that called the lock operation
  std::uintptr_t cfa;  // canonical frame address of the function it called (the interposer)
};

// How deep this thread is inside lockorder's own code (an interposer, a fork handler). Lock
// operations made from there are the runtime's own (its internal mutexes, libdw's, the C++
// library's) and pass unchecked, so the runtime never re-enters itself.
extern __attribute__((tls_model("initial-exec"))) constinit thread_local unsigned t_inside_runtime;

class InsideRuntime {
 public:
  InsideRuntime() noexcept { ++t_inside_runtime; }
  ~InsideRuntime() { --t_inside_runtime; }
  InsideRuntime(const InsideRuntime&) = delete;
  InsideRuntime& operator=(const InsideRuntime&) = delete;
};

// Makes fork() safe for the runtime (idempotent): the internal locks are held across the fork,
// and the child starts with only its own thread in the wait-for graph and no reports of its own.
void register_fork_handlers();

// `key`: the lock's node key, already set, and the lock has no rank (the preload library's
// shadows: their key travels in the pthread object, so that the fast path reads the meta only
// for what it alone holds, a hub's bitmap).
bool acquire_at(LockMeta& lock, std::uint64_t key, Mode mode, unsigned flags, const Site& site);
void try_acquired_at(LockMeta& lock, std::uint64_t key, Mode mode, const Site& site) noexcept;
bool release_at(LockMeta& lock, const Site& site) noexcept;
bool wait_at(LockMeta& lock, const Site& site);
// pthread_*_destroy (or _init) of a lock that is still held: a `destroy-of-held-lock` report at
// `site`, and no thread's records keep holding it. Its node stays until the shadow is renewed.
void destroyed_while_held_at(LockMeta& lock, const Site& site) noexcept;
// pthread_*_init: remembers where the lock was initialized (a few frames, for reports to name a
// lock that has no variable), in lock.created_stack.
void initialized_at(LockMeta& lock, const Site& site) noexcept;

}  // namespace lockorder::internal
