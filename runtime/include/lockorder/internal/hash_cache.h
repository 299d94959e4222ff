// Internal: a thread's cache of hashes (HashCache). Not part of the public promise. It is in the
// public headers only because the lock types' inline part (fast_path.h) asks one.
#pragma once

#include <bit>
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

  // A cache that is never asked (that of the state no thread has, see t_thread_state).
  constexpr HashCache() : shift_(64), max_size_(0) {}
  explicit HashCache(std::size_t max_size)
      : slots_(std::make_unique<std::uint64_t[]>(kInitialSize)),
        shift_(64 - std::countr_zero(kInitialSize)),
        max_size_(max_size) {}
  // Always inline: the lock types' fast path asks it, and a call there would cost more than it.
  [[gnu::always_inline]] bool contains(std::uint64_t hash) const {
    return slots_[index(hash)] == hash;
  }
  // May allocate (when it grows); never called on the fast path.
  void insert(std::uint64_t hash);
  // Keeps `hash` only if its slot is free: never evicts, never grows.
  void offer(std::uint64_t hash) {
    std::uint64_t& slot = slots_[index(hash)];
    if (slot == 0) slot = hash;
  }
  std::size_t size() const { return std::size_t{1} << (64 - shift_); }

 private:
  // By the high bits: the hashes cached are products (chain_above), whose high bits mix all.
  [[gnu::always_inline]] std::size_t index(std::uint64_t hash) const { return hash >> shift_; }

  std::unique_ptr<std::uint64_t[]> slots_;
  unsigned shift_;  // 64 - log2(size)
  std::size_t max_size_;
  std::size_t evictions_ = 0;  // since the last growth
};

}  // namespace lockorder::internal
