// Shadow locks: the runtime's LockMeta behind each pthread mutex and rwlock of a program that was
// not built with lockorder.
//
// Identity. An address alone is not a lock's identity: libstdc++'s std::mutex never calls
// pthread_mutex_destroy, so a freed mutex's address is soon reused by an unrelated mutex (heap
// or stack), and identifying by address would merge the two and invent cycles. So each lock
// carries a tag in words of its pthread object that glibc leaves unused for it (a non-robust
// mutex's robust-list links; a rwlock's padding): its shadow's index, its node key, and a check
// of both against the lock's own address. Every way of making a new lock writes those words — a
// constructor, a static initializer, pthread_*_init — so a new lock at an old address has no
// valid tag and gets a new identity, and the old one's node leaves the lock-order graph. A copied
// lock object carries a tag for another address and is treated as new as well.
//
// Locks glibc uses those words for (robust, priority-inheritance or -protect, process-shared)
// are shadowed by address: a new one at the same address is a new lock only once the program
// calls pthread_*_init or _destroy (docs/runtime.md, "What remains uncovered").
//
// Cost: a tagged lock's shadow and key are found from two words of the lock itself, which the
// C library's operation reads anyway, without reading the shadow's memory (the runtime's checks
// read it only where they need the meta). A side table (sharded, internal locks) is used only the
// first time.
#pragma once

#include <pthread.h>

#include <cstdint>

#include "lockorder/internal/lock_hooks.h"

namespace lockorder::preload {

// A lock's shadow as an acquisition needs it: the meta, and the meta's node key (set from the
// start), read from the lock's tag.
struct ShadowRef {
  internal::LockMeta* meta = nullptr;
  std::uint64_t key = 0;
  explicit operator bool() const { return meta != nullptr; }
};

ShadowRef shadow_of(pthread_mutex_t* mutex);
ShadowRef shadow_of(pthread_rwlock_t* rwlock);
// The shadow if the lock was ever shadowed and still has its identity, else nullptr.
internal::LockMeta* existing_shadow(pthread_mutex_t* mutex);
internal::LockMeta* existing_shadow(pthread_rwlock_t* rwlock);
// pthread_*_init / _destroy: whatever lock lived here is gone; its node leaves the graph.
void forget(pthread_mutex_t* mutex);
void forget(pthread_rwlock_t* rwlock);

// Whether a rwlock makes new readers queue behind a waiting writer.
bool prefers_writers(pthread_rwlock_t* rwlock);
// Whether a mutex of this glibc __kind is recursive, or error-checking.
bool is_recursive_kind(int kind);
bool is_error_checking_kind(int kind);

// fork(): the side table's locks, held across the fork so that the child finds them consistent.
void lock_shadows_for_fork();
void unlock_shadows_after_fork();

}  // namespace lockorder::preload
