#include "order/known_orders.h"

#include "order/edge_sources.h"

namespace lockorder::internal {

constinit KnownOrders g_known_orders;

bool KnownOrders::known_elsewhere(const ThreadState& thread, const LockMeta& lock, Mode mode,
                                  unsigned flags) const {
  if (flags != kBlocking) return false;
  bool settled = true;
  for_each_edge_source(thread, 0, kBlocking, [&](std::size_t i) {
    settled = settled_into_hub(thread.held[i], lock, mode);
    return settled;
  });
  return settled;
}

bool KnownOrders::is_settled(ThreadState& thread, std::uint64_t edge) const {
  if (thread.orders.settled.contains(edge)) return true;
  if (!shared_.contains(edge)) return false;
  thread.orders.settled.insert(edge);
  return true;
}

void KnownOrders::remember_settled(ThreadState& thread, std::uint64_t edge) {
  thread.orders.settled.insert(edge);
  shared_.insert(edge);
}

bool KnownOrders::edge_settled(ThreadState& thread, std::size_t index, const LockMeta& lock,
                               std::uint64_t key, Mode mode) const {
  const HeldLock& held = thread.held[index];
  if (settled_into_hub(held, lock, mode)) return true;
  const std::uint64_t edge = edge_key(held.node_key, key, held.mode, mode);
  return is_settled(thread, edge) ||
         (index > 0 && is_settled(thread, edge_below_key(edge, thread.held[index - 1].chain)));
}

bool KnownOrders::all_edges_settled(ThreadState& thread, const LockMeta& lock, std::uint64_t key,
                                    Mode mode, unsigned flags) const {
  bool settled = true;
  for_each_edge_source(thread, key, flags, [&](std::size_t i) {
    settled = edge_settled(thread, i, lock, key, mode);
    return settled;
  });
  return settled;
}

void KnownOrders::learned(ThreadState& thread, const LockMeta& lock, Mode mode, unsigned flags,
                          std::uint64_t chain) {
  // A ranked lock's acquisitions are checked against the held ranks every time (see the header).
  if (lock.rank != 0) return;
  // A chain with the lock's key below it stays unknown (see the header): only class keys repeat.
  // On a stack deeper than the fast path goes, they are not looked for: find_held finds a double
  // lock there before any chain is asked.
  if (is_class_key(lock.node_key.load(std::memory_order_relaxed))) {
    if (thread.held.size() > HeldStack::kShallow) return;
    for (const HeldLock& h : thread.held)
      if (h.node_key == lock.node_key.load(std::memory_order_relaxed)) return;
  }
  thread.chains.insert(chain);
  const bool single = thread.held.size() == 1 && flags == kBlocking;
  if (single && !settled_into_hub(thread.held.back(), lock, mode)) shared_.insert(chain);
}

}  // namespace lockorder::internal
