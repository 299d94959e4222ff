// KnownOrders, through its interface: an order is known only once every edge it implies is in the
// lock-order graph, and then it is known to the fast path's one question.
#include "order/known_orders.h"

#include <gtest/gtest.h>

#include <array>
#include <source_location>
#include <thread>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/runtime.h"

namespace lockorder::internal {
namespace {

struct Lock {
  LockMeta meta{lock_attributes{}, LockKind::mutex, std::source_location::current()};
  ~Lock() { destroy(meta); }
  std::uint64_t key() const { return meta.node_key.load(std::memory_order_relaxed); }
};

// Out of line: every call takes its locks at the same sites, whose stacks are then known.
[[gnu::noinline]] void take(std::initializer_list<Lock*> nest) {
  for (Lock* lock : nest) before_blocking_lock(lock->meta, Mode::exclusive);
  for (auto it = std::rbegin(nest); it != std::rend(nest); ++it)
    before_unlock((*it)->meta, Mode::exclusive);
}

// One lock, taken at one site however often it is called (the site's caller is take_alone).
[[gnu::noinline]] void take_alone(Lock& lock) { take({&lock}); }

// The chain `lock` would make above the thread's held entries.
std::uint64_t chain_above(const ThreadState& thread, const Lock& lock) {
  const std::uint64_t below = thread.held.empty() ? 0 : thread.held.back().chain;
  return extend_chain(below, lock.key(), Mode::exclusive, false, false);
}

bool known_above(Lock& lock) {
  ThreadState& thread = *current_thread_state();
  return known_orders().known_here(thread, lock.meta, Mode::exclusive, chain_above(thread, lock),
                                   thread.held.size() == 1);
}

// Runs `body` on a thread of its own: a fresh ThreadState, with nothing known to it yet.
template <class Body>
void on_new_thread(Body body) {
  std::thread(body).join();
}

TEST(KnownOrders, AChainIsKnownOnceItsEdgesAreInTheGraph) {
  on_new_thread([] {
    Lock a, b, c;
    take({&a}), take({&b}), take({&c});  // keys assigned, no order yet
    const std::size_t edges = stats().edges;
    before_blocking_lock(a.meta, Mode::exclusive);
    before_blocking_lock(b.meta, Mode::exclusive);
    EXPECT_FALSE(known_above(c));
    take_alone(c);                        // learns a -> c and b -> c
    EXPECT_EQ(stats().edges, edges + 3);  // with a -> b
    EXPECT_TRUE(known_above(c));
    const std::size_t visits = stats().graph_visits;
    take_alone(c);
    // Known, so taking it again left the graph alone.
    EXPECT_EQ(stats().graph_visits, visits + 1);  // the stats() call itself
    before_unlock(b.meta, Mode::exclusive);
    before_unlock(a.meta, Mode::exclusive);
  });
}

// A lock under exactly one other: the chain is learned once, for every thread (the shared set).
TEST(KnownOrders, ASingleChainLearnedByOneThreadIsKnownToEveryThread) {
  Lock outer, inner;
  on_new_thread([&] { take({&outer, &inner}); });
  on_new_thread([&] {
    before_blocking_lock(outer.meta, Mode::exclusive);
    EXPECT_TRUE(known_above(inner));
    before_unlock(outer.meta, Mode::exclusive);
  });
}

// A chain of several locks is the thread's own: another thread learns it (cheaply: its edges are
// settled) before knowing it.
// ... and a thread that finds it there keeps it in its own cache, which the inline fast path asks:
// a thread started after the chain was learned is not sent out of line on every acquisition.
TEST(KnownOrders, ASingleChainFoundInTheSharedSetIsKeptByTheThreadThatFoundIt) {
  Lock outer, inner;
  on_new_thread([&] { take({&outer, &inner}); });
  on_new_thread([&] {
    ThreadState& thread = *current_thread_state();
    before_blocking_lock(outer.meta, Mode::exclusive);
    const std::uint64_t chain = chain_above(thread, inner);
    EXPECT_FALSE(KnownOrders::known_to_thread(thread, chain));
    EXPECT_TRUE(known_above(inner));
    EXPECT_TRUE(KnownOrders::known_to_thread(thread, chain));
    before_unlock(outer.meta, Mode::exclusive);
  });
}

// A ranked lock is never kept, even when its hub bitmap knows the chain: its rank is checked on
// every acquisition.
TEST(KnownOrders, ASingleChainIntoARankedLockIsNotKept) {
  std::array<Lock, SettledSources::kHubInDegree + 1> outers;
  LockMeta ranked{lock_attributes{.rank = 3}, LockKind::mutex, std::source_location::current()};
  on_new_thread([&] {
    for (Lock& outer : outers) {
      before_blocking_lock(outer.meta, Mode::exclusive);
      before_blocking_lock(ranked, Mode::exclusive);
      before_unlock(ranked, Mode::exclusive);
      before_unlock(outer.meta, Mode::exclusive);
    }
  });
  on_new_thread([&] {
    ThreadState& thread = *current_thread_state();
    before_blocking_lock(outers[0].meta, Mode::exclusive);
    const std::uint64_t chain =
        extend_chain(thread.held.back().chain, ranked.node_key.load(std::memory_order_relaxed),
                     Mode::exclusive, false, false);
    EXPECT_TRUE(known_orders().known_here(thread, ranked, Mode::exclusive, chain, true));
    EXPECT_FALSE(KnownOrders::known_to_thread(thread, chain));
    before_unlock(outers[0].meta, Mode::exclusive);
  });
  destroy(ranked);
}

TEST(KnownOrders, ALongerChainIsKnownToTheThreadThatLearnedIt) {
  Lock a, b, c;
  on_new_thread([&] {
    take({&a, &b, &c});
    before_blocking_lock(a.meta, Mode::exclusive);
    before_blocking_lock(b.meta, Mode::exclusive);
    EXPECT_TRUE(known_above(c));
    before_unlock(b.meta, Mode::exclusive);
    before_unlock(a.meta, Mode::exclusive);
  });
  on_new_thread([&] {
    before_blocking_lock(a.meta, Mode::exclusive);
    before_blocking_lock(b.meta, Mode::exclusive);
    ThreadState& thread = *current_thread_state();
    EXPECT_FALSE(known_above(c));
    EXPECT_TRUE(
        known_orders().all_edges_settled(thread, c.meta, c.key(), Mode::exclusive, kBlocking));
    before_unlock(b.meta, Mode::exclusive);
    before_unlock(a.meta, Mode::exclusive);
  });
}

// An edge with a gate (a lock held before its outer lock by every thread that took it) is
// settled only with the same locks below: under another outer lock it is not known.
TEST(KnownOrders, AGatedEdgeIsKnownOnlyWithTheSameLocksBelow) {
  on_new_thread([] {
    Lock gate, other, a, b;
    take({&gate, &a, &b});  // a -> b, gated by `gate`
    before_blocking_lock(other.meta, Mode::exclusive);
    before_blocking_lock(a.meta, Mode::exclusive);
    ThreadState& thread = *current_thread_state();
    EXPECT_FALSE(known_orders().edge_settled(thread, 1, b.meta, b.key(), Mode::exclusive));
    before_unlock(a.meta, Mode::exclusive);
    before_unlock(other.meta, Mode::exclusive);
    before_blocking_lock(gate.meta, Mode::exclusive);
    before_blocking_lock(a.meta, Mode::exclusive);
    EXPECT_TRUE(known_orders().edge_settled(thread, 1, b.meta, b.key(), Mode::exclusive));
    before_unlock(a.meta, Mode::exclusive);
    before_unlock(gate.meta, Mode::exclusive);
  });
}

}  // namespace
}  // namespace lockorder::internal
