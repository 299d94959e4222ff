// SettledEdges: the process-wide set of edges that taking again cannot change (and of the chains
// of a lock taken under exactly one other, whose only edge is such an edge), readable by any
// thread without a lock. An edge a hub's bitmap holds (SettledSources) is not kept here as well.
//
// Each thread keeps its own small cache of settled edges (ThreadState), but every thread must
// learn each edge once, and a program that nests inside one of thousands of locks (a hash table's
// bucket locks, say) has tens of thousands of edges: learning them one global-lock visit at a
// time, per thread, is most of the cost of such a program. An edge settled by one thread is
// settled for all, so the set is shared: lookups are a few atomic loads on read-only lines.
//
// Insert-only, open addressing with a bounded probe. A full neighbourhood makes the table grow;
// once it cannot, the edge is simply not remembered and is checked under the graph's lock as
// before, so the bound costs time, never a finding. The table starts small (256 KiB, in lazily
// touched pages) and grows fourfold when half full, up to 16 MiB: a large table costs every lookup
// a cache and TLB miss, and the kernel time to provide its pages, which a program with few edges
// should not pay. Lookups that race with a growth read the previous table, which is never freed (at
// most 1/3 of the largest).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "process/adaptive_mutex.h"
#include "process/internal_locks.h"

namespace lockorder::internal {

class SettledEdges {
 public:
  constexpr SettledEdges() = default;  // the table is made by the first insert
  SettledEdges(const SettledEdges&) = delete;
  SettledEdges& operator=(const SettledEdges&) = delete;

  // `hash` is an edge_key, an edge_below_key, or the chain of a lock taken under exactly one
  // other (never 0). Inline: the acquisition fast path asks,
  // with two dependent loads (the table word, then the slot).
  bool contains(std::uint64_t hash) const {
    const Table table = Table::unpack(table_.load(std::memory_order_acquire));
    if (table.slots == nullptr) return false;
    const std::size_t start = table.home(hash);
    const std::size_t mask = table.size() - 1;
    for (std::size_t probe = 0; probe < kProbes; ++probe) {
      const std::uint64_t seen =
          table.slots[(start + probe) & mask].load(std::memory_order_acquire);
      if (seen == hash) return true;
      if (seen == 0) return false;
    }
    return false;
  }
  void insert(std::uint64_t hash);

  // The current table's number of slots, 0 before the first insert (for tests).
  std::size_t capacity() const;

  // fork(): the insert lock is held across it (after the graph's lock, which inserts nest in).
  void lock_for_fork() { insert_mu_.lock(); }
  void unlock_after_fork() { insert_mu_.unlock(); }

 private:
  // A table is published as one word: the slots' address (page-aligned) with log2 of their
  // number in the low bits.
  struct Table {
    std::atomic<std::uint64_t>* slots = nullptr;  // zero: an empty slot
    unsigned bits = 0;
    static constexpr std::uintptr_t kBitsMask = 63;
    static Table unpack(std::uintptr_t word) {
      return {reinterpret_cast<std::atomic<std::uint64_t>*>(word & ~kBitsMask),
              static_cast<unsigned>(word & kBitsMask)};
    }
    std::uintptr_t pack() const { return reinterpret_cast<std::uintptr_t>(slots) | bits; }
    std::size_t home(std::uint64_t hash) const {
      return (hash * 0x9E3779B97F4A7C15ull) >> (64 - bits);
    }
    std::size_t size() const { return std::size_t{1} << bits; }
  };
  static constexpr unsigned kInitialBits = 15;
  static constexpr unsigned kGrowthBits = 2;
  static constexpr unsigned kMaxBits = 21;
  static constexpr std::size_t kProbes = 16;

  enum class Placement { placed, present, full };

  static Table make_table(unsigned bits);  // no slots if the memory could not be mapped
  static Placement place(const Table& table, std::uint64_t hash);
  bool grow();

  // A packed Table; 0 before the first insert. Read by every lookup: on a line of its own, away
  // from what inserts write.
  alignas(64) std::atomic<std::uintptr_t> table_{0};
  alignas(64) OrderedMutex<
      AdaptiveMutex, InternalLock::settled_inserts> insert_mu_;  // inserts are rare (a new settled
                                                                 // edge): one at a time
  std::size_t used_ = 0;      // entries placed in the current table
  bool unavailable_ = false;  // no table could be mapped: nothing is remembered
};

}  // namespace lockorder::internal
