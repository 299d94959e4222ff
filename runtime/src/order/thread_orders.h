// ThreadOrders: the part of KnownOrders (known_orders.h) that each thread keeps for itself, in its
// ThreadState, touched only by that thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace lockorder::internal {

// A direct-mapped cache of non-zero 64-bit hashes. It starts small and doubles, up to a bound,
// when its working set does not fit: a program that holds one of thousands of locks (a hash
// table's bucket locks, say) while taking another has thousands of chains per thread, and a
// cache that keeps forgetting them sends every acquisition to the global graph.
class HashCache {
 public:
  static constexpr std::size_t kInitialSize = 1024;

  explicit HashCache(std::size_t max_size)
      : slots_(std::make_unique<std::uint64_t[]>(kInitialSize)),
        mask_(kInitialSize - 1),
        max_size_(max_size) {}
  bool contains(std::uint64_t hash) const { return slots_[index(hash)] == hash; }
  // May allocate (when it grows); never called on the fast path.
  void insert(std::uint64_t hash);
  std::size_t size() const { return mask_ + 1; }

 private:
  // The low bits of a chain or edge hash carry the acquisition mode.
  std::size_t index(std::uint64_t hash) const { return (hash >> 7) & mask_; }

  std::unique_ptr<std::uint64_t[]> slots_;
  std::size_t mask_;
  std::size_t max_size_;
  std::size_t evictions_ = 0;  // since the last growth
};

struct ThreadOrders {
  // Chains of held locks this thread learned (HeldLock::chain): each one's edges are settled.
  HashCache chains{16384};
  // Settled edges (edge_key, edge_below_key) this thread recorded or found in the shared set. It
  // may grow larger than the chain cache: learning a chain of n locks asks it for up to 2n edges.
  HashCache settled{65536};
};

}  // namespace lockorder::internal
