// SettledSources: for a lock that many others are held around (a hub: a statistics lock, the LRU
// lock taken under any of thousands of bucket locks), which of those others' edges into it are
// settled, as a bitmap indexed by their node keys.
//
// A program that nests inside one of thousands of locks asks, at every acquisition under one of
// them, whether that one edge is settled. The process-wide SettledEdges answers with a cache miss
// into a table of tens of thousands of entries spread at random. Locks made together get
// consecutive ids, so the edges into a hub from a lock array fall within a few hundred bytes of
// the hub's bitmap, which stay in cache as long as the hub is in use.
//
// Only exclusive-over-exclusive edges, and only sources whose key the bitmap covers (it grows
// with the keys it is given, up to kMaxBits); anything else is asked of SettledEdges, which holds
// every settled edge that no bitmap took. Bits are set under the lock-order graph's lock and read
// without one; a bitmap replaced by a larger one is freed with its lock's.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "lockorder/internal/lock_meta.h"
#include "threads/thread_state.h"

namespace lockorder::internal {

class SettledSources {
 public:
  // A bitmap's words: the number of keys it covers, the bitmap it replaced (or 0), the bits.
  static constexpr std::size_t kBitsWord = 0;
  static constexpr std::size_t kReplacedWord = 1;
  static constexpr std::size_t kFirstWord = 2;

  // A lock with this many edges into it gets a bitmap.
  static constexpr std::size_t kHubInDegree = 8;
  // The most keys one bitmap covers, and the memory all of them may take.
  static constexpr std::uint64_t kMaxBits = std::uint64_t{1} << 20;  // fits LockMeta::settled_bits
  static constexpr std::size_t kBudgetBytes = std::size_t{64} << 20;

  // Gives `target`, which has none, a bitmap; false when the budget is spent. Caller holds the
  // graph's lock.
  bool attach(LockMeta& target);
  // Records that the edge from `source` into `target` is settled, if target has a bitmap (grown
  // to cover `source` if need be). Caller holds the graph's lock.
  // Returns whether target's bitmap now holds it.
  bool insert(LockMeta& target, std::uint64_t source);
  // Frees target's bitmaps, when target leaves the graph (no thread may use the lock any more).
  void detach(LockMeta& target);
  std::size_t bytes() const { return bytes_; }

 private:
  // A bitmap covering at least `keys` keys that holds `old`'s bits, published in target; nullptr
  // past kMaxBits or the budget.
  std::atomic<std::uint64_t>* replace(LockMeta& target, std::atomic<std::uint64_t>* old,
                                      std::uint64_t keys);

  std::size_t bytes_ = 0;
};

// Whether the exclusive edge from the lock with node key `source` into `target` is settled
// according to target's bitmap (false: not known here; ask SettledEdges).
// Reads target's line and one word of the bitmap.
inline bool settled_from(const LockMeta& target, std::uint64_t source) {
  if (source >= target.settled_bits.load(std::memory_order_acquire)) return false;
  const std::atomic<std::uint64_t>* bitmap = target.settled_from.load(std::memory_order_relaxed);
  return bitmap[SettledSources::kFirstWord + source / 64].load(std::memory_order_relaxed) >>
             (source % 64) &
         1;
}

// Whether the edge from `held` into `lock`, taken in `mode`, is in lock's bitmap (exclusive over
// exclusive only): then nothing else needs to remember it as settled.
inline bool settled_into_hub(const HeldLock& held, const LockMeta& lock, Mode mode) {
  return mode == Mode::exclusive && held.mode == Mode::exclusive &&
         settled_from(lock, held.node_key);
}

}  // namespace lockorder::internal
