// ThreadState: what one thread knows, touched only by that thread on the locking path.
//
// It holds the thread's held-lock stack and its cache of known lock chains: each held entry
// carries a hash of the whole chain of locks held up to it (with their modes), so "is this
// acquisition's chain already known?" is one lookup whatever the depth. A known chain means
// every edge it implies is already in the global graph, so the acquisition needs no global lock
// and allocates nothing. Keys are never reused (ids are serial numbers), so the cache never needs
// invalidating; a slot may be overwritten, which only costs one more slow-path visit.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "lockorder/internal/lock_meta.h"

namespace lockorder::internal {

struct HeldLock {
  LockMeta* lock = nullptr;
  std::uint64_t key = 0;    // node key (lock id or class key)
  std::uint64_t chain = 0;  // hash of the held chain up to and including this entry
  std::uintptr_t pc = 0;    // where it was acquired (return address into the caller)
  std::uintptr_t cfa = 0;   // the CFA of the runtime entry that recorded it
  int max_rank = 0;         // highest rank held at or below this entry
  std::uint32_t group = 0;  // the ordered_lock call that took it, 0 if none
  std::uint32_t recursion = 1;
  std::uint32_t site_stack = 0;  // a full stack seen at this acquisition site (StackDepot id)
  Mode mode = Mode::exclusive;
  bool tried = false;  // taken by a successful try_lock
};

class ThreadState {
 public:
  static constexpr std::size_t kChainCacheSize = 1024;

  explicit ThreadState(std::uint32_t ordinal) : ordinal_(ordinal) { held.reserve(64); }

  bool knows_chain(std::uint64_t chain) const { return chains_[slot(chain)] == chain; }
  void remember_chain(std::uint64_t chain) { chains_[slot(chain)] = chain; }

  // Edges (by edge_key) this thread has seen in the graph with no gate left: taking them again
  // cannot change anything, so a new chain made only of settled edges needs no global lock.
  bool is_settled(std::uint64_t edge) const { return settled_[slot(edge)] == edge; }
  void remember_settled(std::uint64_t edge) { settled_[slot(edge)] = edge; }

  // A full stack this thread captured the first time it acquired a lock at `pc` with the stack
  // pointer at `cfa` (the same site reached the same way, as far as two words can tell), or
  // kNoStack. It stands in for the stack of a later acquisition there when the frame that made
  // that acquisition has returned by the time an edge needs it.
  static constexpr std::uint32_t kNoStack = ~0u;
  std::uint32_t site_stack(std::uintptr_t pc, std::uintptr_t cfa) const {
    const SiteSlot& s = sites_[site_slot(pc, cfa)];
    return s.pc == pc && s.cfa == cfa ? s.stack : kNoStack;
  }
  void remember_site(std::uintptr_t pc, std::uintptr_t cfa, std::uint32_t stack) {
    sites_[site_slot(pc, cfa)] = SiteSlot{pc, cfa, stack};
  }

  std::uint32_t ordinal() const { return ordinal_; }
  // "T3 'worker'": the ordinal and the name given with set_thread_name or pthread_setname_np.
  std::string label() const;
  void set_name(std::string name) { name_ = std::move(name); }

  std::vector<HeldLock> held;
  std::uint32_t ordered_groups = 0;  // ordered_lock calls so far; the newest is the current group

 private:
  static constexpr std::size_t kSiteCacheSize = 256;
  struct SiteSlot {
    std::uintptr_t pc = 0;
    std::uintptr_t cfa = 0;
    std::uint32_t stack = kNoStack;
  };
  static std::size_t site_slot(std::uintptr_t pc, std::uintptr_t cfa) {
    return ((pc ^ (cfa << 7)) * 0x9E3779B97F4A7C15ull >> 56) % kSiteCacheSize;
  }
  static std::size_t slot(std::uint64_t chain) { return (chain >> 7) % kChainCacheSize; }

  std::array<std::uint64_t, kChainCacheSize> chains_{};
  std::array<std::uint64_t, kChainCacheSize> settled_{};
  std::array<SiteSlot, kSiteCacheSize> sites_{};
  std::uint32_t ordinal_;
  std::string name_;
};

// The calling thread's state, created on first use; nullptr while the thread is being torn down
// (its locks are then no longer checked).
ThreadState* current_thread_state() noexcept;

// Chain hashing: the chain of an entry is a function of the chain below it and the entry itself.
inline std::uint64_t extend_chain(std::uint64_t below, std::uint64_t key, Mode mode, bool tried,
                                  bool same_group) {
  std::uint64_t x = below ^ (key * 0x9E3779B97F4A7C15ull) ^
                    (static_cast<std::uint64_t>(mode) << 1 | tried << 2 | same_group << 3);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return x | 1;  // never 0, the empty cache slot
}

inline std::uint64_t edge_key(std::uint64_t from, std::uint64_t to, Mode held, Mode acquired) {
  return extend_chain(from * 0xD6E8FEB86659FD93ull, to, acquired, held == Mode::shared, false);
}

}  // namespace lockorder::internal
