// Internal: the bookkeeping every instrumented lock carries (LockMeta). Not part of the public
// promise; use the types in <lockorder/mutex.h>.
#pragma once

#include <atomic>
#include <cstdint>
#include <source_location>
#include <type_traits>

#include "lockorder/internal/lock_kind.h"
#include "lockorder/internal/native_lock.h"
#include "lockorder/lock_attributes.h"

namespace lockorder::internal {

std::uint64_t next_lock_id() noexcept;

struct LockMeta {
  constexpr LockMeta(const lock_attributes& attrs, LockKind k, const std::source_location& loc,
                     const void* native_object = nullptr,
                     NativeLayout layout = NativeLayout::unknown)
      : name(attrs.name),
        lock_class(attrs.lock_class),
        rank(attrs.rank),
        kind(k),
        native_layout(layout),
        site(loc),
        native(native_object) {
    // Constant-initialized (global) locks get their id on first use; others get it now, so that
    // ids follow creation order, which ordered_lock uses as the canonical order.
    if (!std::is_constant_evaluated()) id.store(next_lock_id(), std::memory_order_relaxed);
  }
  LockMeta(const LockMeta&) = delete;
  LockMeta& operator=(const LockMeta&) = delete;

  // A serial number, never reused: a new lock at an old address is a new lock.
  std::atomic<std::uint64_t> id{0};
  // The lock's node key in the lock-order graph: its id, or its class's key. Set on first use.
  std::atomic<std::uint64_t> node_key{0};
  // The lock's own node in the lock-order graph plus one (0: none, or the node is its class's),
  // written under the graph's lock; destruction removes a lock that has one.
  std::atomic<std::uint32_t> graph_node{0};
  // Where a lock with no creation site of its own (the preload library's shadows) was
  // initialized: a short stack in the runtime's stack store, or kNoCreationStack.
  std::uint32_t created_stack = kNoCreationStack;
  static constexpr std::uint32_t kNoCreationStack = ~0u;
  // How many source keys settled_from's bitmap covers (0: none). Stored after the bitmap it
  // describes, so that a reader that loads it first finds a bitmap at least that large, and
  // needs no read of the bitmap's own header.
  std::atomic<std::uint32_t> settled_bits{0};
  // For a lock many others are held around: which of them have a settled edge into it (see
  // SettledSources), or nullptr.
  std::atomic<std::atomic<std::uint64_t>*> settled_from{nullptr};
  const char* name;
  const char* lock_class;
  int rank;
  LockKind kind;
  NativeLayout native_layout;  // how to read `native`
  // A read-write lock that makes new readers queue behind a waiting writer (a deadlock check
  // needs to know: a reader blocked on a lock that only readers hold waits for that writer).
  bool prefers_writers = false;
  std::source_location site;
  // The C library's lock object behind this lock, read to check the runtime's records against
  // the lock's real state (see native_lock.h); nullptr when there is none to read.
  const void* native;
};

inline NativeHolder native_holder(const LockMeta& lock) noexcept {
  return native_holder(lock.native, lock.native_layout);
}

// The lock's serial id, assigning one first if the lock was constant-initialized.
std::uint64_t ensure_id(LockMeta& lock) noexcept;

}  // namespace lockorder::internal
