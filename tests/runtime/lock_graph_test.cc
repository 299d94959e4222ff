// LockGraph on its own: incremental topological order, cycle paths, removal.
#include "order/lock_graph.h"

#include <gtest/gtest.h>

#include <random>

namespace lockorder::internal {
namespace {

TEST(LockGraph, ConsistentEdgesNeverCloseACycle) {
  LockGraph g;
  auto a = g.add_node(), b = g.add_node(), c = g.add_node();
  EXPECT_FALSE(g.insert_edge(a, b).closes_cycle);
  EXPECT_FALSE(g.insert_edge(b, c).closes_cycle);
  EXPECT_FALSE(g.insert_edge(a, c).closes_cycle);
  EXPECT_EQ(g.edge_count(), 3u);
}

TEST(LockGraph, ReverseEdgeClosesTwoCycleWithPath) {
  LockGraph g;
  auto a = g.add_node(), b = g.add_node();
  auto ab = g.insert_edge(a, b).edge;
  auto result = g.insert_edge(b, a);
  ASSERT_TRUE(result.closes_cycle);
  ASSERT_EQ(result.path.size(), 1u);
  EXPECT_EQ(result.path[0], ab);
  EXPECT_TRUE(g.is_back_edge(result.edge));
  EXPECT_EQ(g.find_edge(b, a), result.edge);  // stored, so it is never reported twice
}

TEST(LockGraph, ReordersWhenEdgeContradictsCreationOrder) {
  LockGraph g;
  auto a = g.add_node(), b = g.add_node(), c = g.add_node();
  EXPECT_FALSE(g.insert_edge(c, a).closes_cycle);  // against creation order: reorder, no cycle
  EXPECT_FALSE(g.insert_edge(b, c).closes_cycle);
  auto result = g.insert_edge(a, b);  // closes a -> b -> c -> a
  ASSERT_TRUE(result.closes_cycle);
  ASSERT_EQ(result.path.size(), 2u);
  EXPECT_EQ(g.from(result.path[0]), b);
  EXPECT_EQ(g.to(result.path[1]), a);
}

TEST(LockGraph, ShortestCycleIsFound) {
  LockGraph g;
  std::vector<LockGraph::NodeId> n;
  for (int i = 0; i < 6; ++i) n.push_back(g.add_node());
  for (int i = 0; i + 1 < 6; ++i) g.insert_edge(n[i], n[i + 1]);  // long chain 0..5
  g.insert_edge(n[0], n[5]);                                      // shortcut
  auto result = g.insert_edge(n[5], n[0]);
  ASSERT_TRUE(result.closes_cycle);
  EXPECT_EQ(result.path.size(), 1u);
}

TEST(LockGraph, SelfEdgeIsACycleOfOne) {
  LockGraph g;
  auto a = g.add_node();
  auto result = g.insert_edge(a, a);
  EXPECT_TRUE(result.closes_cycle);
  EXPECT_TRUE(result.path.empty());
}

TEST(LockGraph, RemovingANodeRemovesItsEdgesAndForgetsTheCycle) {
  LockGraph g;
  auto a = g.add_node(), b = g.add_node();
  g.insert_edge(a, b);
  int removed = 0;
  g.remove_node(b, [&](LockGraph::EdgeId) { ++removed; });
  EXPECT_EQ(removed, 1);
  EXPECT_EQ(g.edge_count(), 0u);
  auto b2 = g.add_node();  // may reuse b's slot: it is a new node with no edges
  EXPECT_FALSE(g.insert_edge(b2, a).closes_cycle);
}

TEST(LockGraph, FindPathHonoursTheFilter) {
  LockGraph g;
  auto a = g.add_node(), b = g.add_node(), c = g.add_node();
  auto ab = g.insert_edge(a, b).edge;
  g.insert_edge(b, c);
  g.insert_edge(a, c);
  EXPECT_EQ(g.find_path(a, c, [](LockGraph::EdgeId) { return true; }).size(), 1u);
  auto path = g.find_path(a, c, [&](LockGraph::EdgeId e) { return g.from(e) != a || e == ab; });
  EXPECT_EQ(path.size(), 2u);
  EXPECT_TRUE(g.find_path(c, a, [](LockGraph::EdgeId) { return true; }).empty());
}

// Random DAG edges in a hidden global order never close a cycle, whatever the insertion order;
// any edge against that order between connected nodes does.
TEST(LockGraph, RandomEdgesAgreeWithAHiddenOrder) {
  std::mt19937 rng(42);
  LockGraph g;
  const int kNodes = 300;
  std::vector<LockGraph::NodeId> nodes;
  for (int i = 0; i < kNodes; ++i) nodes.push_back(g.add_node());
  std::vector<int> rank(kNodes);
  for (int i = 0; i < kNodes; ++i) rank[i] = i;
  std::shuffle(rank.begin(), rank.end(), rng);
  std::uniform_int_distribution<int> pick(0, kNodes - 1);
  for (int i = 0; i < 5000; ++i) {
    int x = pick(rng), y = pick(rng);
    if (x == y) continue;
    if (rank[x] > rank[y]) std::swap(x, y);
    if (g.find_edge(nodes[x], nodes[y]) != LockGraph::kNoEdge) continue;
    ASSERT_FALSE(g.insert_edge(nodes[x], nodes[y]).closes_cycle);
  }
  int lo = -1, hi = -1;
  for (int i = 0; i < kNodes; ++i) {
    if (rank[i] == 0) lo = i;
    if (rank[i] == kNodes - 1) hi = i;
  }
  if (!g.find_path(nodes[lo], nodes[hi], [](LockGraph::EdgeId) { return true; }).empty()) {
    EXPECT_TRUE(g.insert_edge(nodes[hi], nodes[lo]).closes_cycle);
  }
}

}  // namespace
}  // namespace lockorder::internal

namespace lockorder::internal {
namespace {

bool order_respects_edges(const LockGraph& g) {
  bool ok = true;
  g.for_each_edge([&](LockGraph::EdgeId e) {
    if (!g.is_back_edge(e) && g.position(g.from(e)) >= g.position(g.to(e))) ok = false;
  });
  return ok;
}

// Random inserts, some against the order, some closing cycles, with nodes removed and added:
// the order always agrees with every non-back edge, and a cycle is reported exactly when the
// reverse path exists.
TEST(LockGraph, OrderStaysTopologicalUnderChurn) {
  std::mt19937 rng(7);
  LockGraph g;
  std::vector<LockGraph::NodeId> nodes;
  for (int i = 0; i < 200; ++i) nodes.push_back(g.add_node());
  std::uniform_int_distribution<int> pick(0, 199);
  for (int step = 0; step < 20000; ++step) {
    int x = pick(rng), y = pick(rng);
    if (step % 10 == 0) {
      g.remove_node(nodes[x], [](LockGraph::EdgeId) {});
      nodes[x] = g.add_node();
      continue;
    }
    if (x == y || g.find_edge(nodes[x], nodes[y]) != LockGraph::kNoEdge) continue;
    bool reverse_path =
        !g.find_path(nodes[y], nodes[x], [](LockGraph::EdgeId) { return true; }).empty();
    auto result = g.insert_edge(nodes[x], nodes[y]);
    ASSERT_EQ(result.closes_cycle, reverse_path) << "step " << step;
    if (result.closes_cycle) {
      ASSERT_FALSE(result.path.empty());
      EXPECT_EQ(g.from(result.path.front()), nodes[y]);
      EXPECT_EQ(g.to(result.path.back()), nodes[x]);
    }
  }
  EXPECT_TRUE(order_respects_edges(g));
}

// Thousands of bucket locks, each made after the LRU lock and only ever held around it: each
// goes to the front of the order (leaving holes, compacted on the way), and cycles through
// them are still found.
TEST(LockGraph, LocksOnlyHeldAroundOthersMoveToTheFront) {
  LockGraph g;
  const auto lru = g.add_node(), stats = g.add_node();
  g.insert_edge(lru, stats);
  std::vector<LockGraph::NodeId> buckets;
  for (int i = 0; i < 5000; ++i) {
    buckets.push_back(g.add_node());
    ASSERT_FALSE(g.insert_edge(buckets.back(), lru).closes_cycle);
    ASSERT_LT(g.position(buckets.back()), g.position(lru));
    // At the very front, ahead of the buckets before it: put there directly, not by reordering
    // everything created between it and the LRU lock (which would leave it after them).
    if (i > 0) {
      ASSERT_LT(g.position(buckets.back()), g.position(buckets[buckets.size() - 2]));
    }
  }
  EXPECT_TRUE(order_respects_edges(g));
  auto result = g.insert_edge(stats, buckets[1234]);
  ASSERT_TRUE(result.closes_cycle);
  ASSERT_EQ(result.path.size(), 2u);
  EXPECT_EQ(g.from(result.path[0]), buckets[1234]);
  EXPECT_EQ(g.to(result.path[1]), stats);
}

}  // namespace
}  // namespace lockorder::internal
