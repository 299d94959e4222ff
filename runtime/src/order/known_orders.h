// KnownOrders: the one answer to "does this acquisition need the lock-order graph?"
//
// The invariant the acquisition fast path relies on: an order is *known* only when every edge it
// implies is already in the lock-order graph in a state that recording it again cannot change —
// the edge has no gate left, or it was recorded with the same locks below its outer lock, whose
// gates a second recording leaves as they are. So a known acquisition takes no global lock and
// allocates nothing, and nothing known ever becomes unknown: node keys are never reused (serial
// lock ids, class keys) and an edge, once in the graph, stays until one of its locks is
// destroyed, after which its key is never taken again. Forgetting is always allowed (a cache
// slot overwritten): it costs one more visit to the graph, never a finding.
//
// And two more: a known chain never holds the lock being taken, nor another of its class, and
// never ends in a ranked lock. A chain is learned only for an unranked lock its thread did not
// hold, and not at all when a lock of the same node key is below it; a chain hash stands for its
// keys in order, and no node key is both a ranked and an unranked lock's (a class has a key per
// rank). So an acquisition whose chain is known is not a double lock and needs no rank check,
// and the fast path need not look at the held entries nor at the lock's rank.
//
// What is known is kept in three places, asked cheapest first:
//   - the thread's chain cache (ThreadHot::chains): chains of held locks (HeldLock::chain)
//     that this thread learned; one probe answers for every edge of the chain, whatever its
//     depth. This is the fast path's only question at depth two and more.
//   - hubs' bitmaps (SettledSources): for a lock that many others are held around (a statistics
//     lock, an LRU lock under any of thousands of bucket locks), which exclusive edges into it
//     are settled, for every thread. A chain all of whose edges into the new lock are there is
//     known without being learned.
//   - the shared settled set (SettledEdges), for every thread: settled edges, and the chains of a
//     lock taken under exactly one other (one per bucket lock of a hash table: too many for
//     every thread to learn each one), fronted by the thread's own cache of settled edges
//     (ThreadOrders::settled).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lockorder/internal/lock_meta.h"
#include "order/settled_edges.h"
#include "order/settled_sources.h"
#include "threads/thread_state.h"

namespace lockorder::internal {

class KnownOrders {
 public:
  constexpr KnownOrders() = default;
  KnownOrders(const KnownOrders&) = delete;
  KnownOrders& operator=(const KnownOrders&) = delete;

  // Whether taking `lock` in `mode` above the thread's held entries, making `chain`, is known,
  // asking only what is at hand: known_to_thread, then known_single_kept. False sends the
  // acquisition to known_elsewhere, then to the graph.
  bool known_here(ThreadState& thread, const LockMeta& lock, Mode mode, std::uint64_t chain,
                  bool single) const {
    return known_to_thread(thread, chain) ||
           (single && known_single_kept(thread, lock, mode, chain));
  }
  // The thread's chain cache: the acquisition fast path's one question. Inline and call-free.
  static bool known_to_thread(const ThreadState& thread, std::uint64_t chain) {
    return thread.chains.contains(chain);
  }
  // For a lock taken under exactly one other by a plain blocking acquisition: the hub bitmap and
  // the shared set (for a chain the thread's cache did not have).
  bool known_single(const ThreadState& thread, const LockMeta& lock, Mode mode,
                    std::uint64_t chain) const {
    const HeldLock& below = thread.held.back();
    if (below.node_key == lock.node_key.load(std::memory_order_relaxed)) return false;  // see above
    return settled_into_hub(below, lock, mode) || shared_.contains(chain);
  }
  // known_single; and a chain it knows, of an unranked lock, goes into the thread's cache if its
  // slot there is free. So a thread that did not learn a chain itself (it was learned before the
  // thread started) answers it inline from its second time on, while a thread taking one of
  // thousands of bucket locks under another neither churns its cache nor makes it grow.
  bool known_single_kept(ThreadState& thread, const LockMeta& lock, Mode mode,
                         std::uint64_t chain) const {
    if (!known_single(thread, lock, mode, chain)) return false;
    if (lock.rank == 0) thread.chains.offer(chain);
    return true;
  }
  // The rest of the question, for a chain of several locks the thread's cache does not have:
  // known when each edge into `lock` is in lock's hub bitmap (a plain blocking acquisition only).
  bool known_elsewhere(const ThreadState& thread, const LockMeta& lock, Mode mode,
                       unsigned flags) const;

  // Whether the edge from the held entry at `index` into `lock` (node key `key`, taken in `mode`)
  // is settled: the lock's hub bitmap, the thread's settled cache, then the shared set (what it
  // finds there, the thread remembers).
  bool edge_settled(ThreadState& thread, std::size_t index, const LockMeta& lock, std::uint64_t key,
                    Mode mode) const;
  // Whether every edge taking `lock` above the held entries implies is settled (then the graph
  // need not be visited to learn the chain).
  bool all_edges_settled(ThreadState& thread, const LockMeta& lock, std::uint64_t key, Mode mode,
                         unsigned flags) const;

  // The graph has every edge of `chain` (taking `lock` above the held entries): it is known from
  // now on — in the thread's cache, and for a single chain in the shared set as well (for every
  // thread) unless the hub bitmap already answers for it.
  void learned(ThreadState& thread, const LockMeta& lock, Mode mode, unsigned flags,
               std::uint64_t chain);

  // The graph has just recorded the edge from the held entry at `index` into `lock`; the caller
  // holds the graph's lock. An edge with no gate left (`gate_free`) can never change again for
  // these modes; one with gates cannot change when taken again with the same locks below: both
  // are settled. A gate-free exclusive edge goes into lock's hub bitmap — making lock a hub first
  // when `in_degree` (edges into lock's own node) reaches SettledSources::kHubInDegree, with the
  // sources of its gate-free exclusive edges so far, which `for_each_settled_source(visit)`
  // passes to visit(key) — else into the thread's cache and the shared set.
  template <class ForEachSettledSource>
  void edge_recorded(ThreadState& thread, std::size_t index, LockMeta& lock, std::uint64_t key,
                     Mode mode, bool gate_free, std::size_t in_degree,
                     ForEachSettledSource&& for_each_settled_source) {
    const HeldLock& held = thread.held[index];
    if (gate_free && held.mode == Mode::exclusive && mode == Mode::exclusive) {
      if (lock.settled_from.load(std::memory_order_relaxed) == nullptr &&
          in_degree >= SettledSources::kHubInDegree && hubs_.attach(lock))
        for_each_settled_source([&](std::uint64_t source) { hubs_.insert(lock, source); });
      if (hubs_.insert(lock, held.node_key)) return;
    }
    const std::uint64_t edge = edge_key(held.node_key, key, held.mode, mode);
    remember_settled(thread, gate_free || index == 0
                                 ? edge
                                 : edge_below_key(edge, thread.held[index - 1].chain));
  }

  // `lock` leaves the graph (it is being destroyed): its hub bitmap is freed. The caller holds
  // the graph's lock.
  void forget(LockMeta& lock) { hubs_.detach(lock); }
  // The memory the hubs' bitmaps take (the shared set's is mapped, and counted by the kernel).
  std::size_t hub_bytes() const { return hubs_.bytes(); }

  // The shared settled set, to read (tests look into it).
  const SettledEdges& shared() const { return shared_; }

  // fork(): the shared set's insert lock is held across it (after the graph's lock).
  void lock_for_fork() { shared_.lock_for_fork(); }
  void unlock_after_fork() { shared_.unlock_after_fork(); }

 private:
  // Settled by this thread, or by any thread (then this one remembers it too).
  bool is_settled(ThreadState& thread, std::uint64_t edge) const;
  void remember_settled(ThreadState& thread, std::uint64_t edge);

  SettledEdges shared_;
  SettledSources hubs_;  // inserted into under the graph's lock, read by any thread
};

// The process's known orders: constant-initialized, never destroyed (threads may lock while it
// exits).
extern constinit KnownOrders g_known_orders;
inline KnownOrders& known_orders() { return g_known_orders; }

}  // namespace lockorder::internal
