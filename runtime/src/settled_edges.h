// SettledEdges: the process-wide set of edges that taking again cannot change, readable by any
// thread without a lock.
//
// Each thread keeps its own small cache of settled edges (ThreadState), but every thread must
// learn each edge once, and a program that nests inside one of thousands of locks (a hash table's
// bucket locks, say) has tens of thousands of edges: learning them one global-lock visit at a
// time, per thread, is most of the cost of such a program. An edge settled by one thread is
// settled for all, so the set is shared: lookups are a few atomic loads on read-only lines.
//
// Insert-only, open addressing with a bounded probe; when a neighbourhood is full the edge is
// simply not remembered and is checked under the graph's lock as before, so the bound costs time,
// never a finding. The table is a lazily-touched anonymous mapping: memory is spent only where
// slots are written.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace lockorder::internal {

class SettledEdges {
 public:
  SettledEdges();
  SettledEdges(const SettledEdges&) = delete;
  SettledEdges& operator=(const SettledEdges&) = delete;

  // `hash` is an edge_key or edge_below_key (never 0).
  bool contains(std::uint64_t hash) const;
  void insert(std::uint64_t hash);

 private:
  static constexpr std::size_t kSlots = std::size_t{1} << 21;  // 16 MiB of address space
  static constexpr std::size_t kProbes = 16;
  static std::size_t home(std::uint64_t hash) {
    return (hash * 0x9E3779B97F4A7C15ull) >> (64 - 21);
  }

  std::atomic<std::uint64_t>* slots_;  // nullptr if the mapping failed: nothing is remembered
};

SettledEdges& settled_edges();

}  // namespace lockorder::internal
