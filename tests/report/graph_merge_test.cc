// Merging the graphs of many processes: a cycle no process saw alone is found, named by the
// processes that saw its edges, and the same rules as the runtime's decide what is reported.
#include "lockorder/report/graph_merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockorder::report {
namespace {

struct Taken {
  std::string held;
  std::string acquired;
  std::vector<std::string> gates = {};
  std::string modes = "exclusive>exclusive";
};

// A process's graph with the named locks (their names are their identities) and edges.
GraphFile process(const std::string& program, long pid, const std::vector<Taken>& edges) {
  GraphFile graph;
  graph.process = {program, pid, ""};
  auto index = [&](const std::string& name) {
    for (std::size_t i = 0; i < graph.locks.size(); ++i)
      if (graph.locks[i].lock.label == name) return i;
    Lock lock;
    lock.label = name;
    lock.kind = "mutex";
    graph.locks.push_back({lock_identity(lock), lock});
    return graph.locks.size() - 1;
  };
  for (const Taken& t : edges) {
    GraphFile::Edge edge;
    edge.from = index(t.held);
    edge.to = index(t.acquired);
    for (const std::string& gate : t.gates) edge.gates.push_back(index(gate));
    edge.modes = {t.modes};
    edge.thread = "T1";
    edge.to_site = {{"take_" + t.acquired, program + ".cc", 10, 0, 0, ""}};
    edge.from_site = {{"take_" + t.held, program + ".cc", 9, 0, 0, ""}};
    graph.edges.push_back(edge);
  }
  return graph;
}

std::vector<Report> cycles(const std::vector<GraphFile>& graphs, CycleRules rules = {}) {
  MergedGraph merged;
  for (const GraphFile& g : graphs) merged.add(g);
  std::vector<Report> reports;
  for (MergedCycle& cycle : merged_cycles(merged, rules)) reports.push_back(cycle.report);
  return reports;
}

TEST(GraphMerge, TwoHalvesOfACycleInTwoProcessesAreOneFinding) {
  const std::vector<Report> found = cycles({process("orders_test", 10, {{"accounts", "ledger"}}),
                                            process("billing_test", 20, {{"ledger", "accounts"}})});
  ASSERT_EQ(found.size(), 1u);
  const Report& r = found[0];
  EXPECT_EQ(r.kind, kLockOrderInversion);
  EXPECT_EQ(cycle_text(r), "accounts -> ledger -> accounts");
  ASSERT_EQ(r.edges.size(), 2u);
  EXPECT_EQ(r.edges[0].thread, "T1 in orders_test (pid 10)");
  EXPECT_EQ(r.edges[1].thread, "T1 in billing_test (pid 20)");
  EXPECT_EQ(r.edges[1].to_site[0].function, "take_accounts");
  EXPECT_NE(r.summary.find("seen in 2 processes"), std::string::npos);
}

TEST(GraphMerge, EachHalfAloneHasNoCycle) {
  EXPECT_TRUE(cycles({process("orders_test", 10, {{"accounts", "ledger"}})}).empty());
  EXPECT_TRUE(cycles({process("billing_test", 20, {{"ledger", "accounts"}})}).empty());
}

TEST(GraphMerge, TheOrderOfMergingChangesNothingFound) {
  const GraphFile a = process("a", 1, {{"x", "y"}}), b = process("b", 2, {{"y", "z"}}),
                  c = process("c", 3, {{"z", "x"}});
  for (const auto& order : std::vector<std::vector<GraphFile>>{{a, b, c}, {c, a, b}, {b, c, a}}) {
    const std::vector<Report> found = cycles(order);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].edges.size(), 3u);
  }
}

TEST(GraphMerge, AnEdgeSeenInManyProcessesIsOneEdge) {
  MergedGraph merged;
  merged.add(process("a", 1, {{"x", "y"}}));
  merged.add(process("b", 2, {{"x", "y"}}));
  ASSERT_EQ(merged.edges().size(), 1u);
  EXPECT_EQ(merged.edges()[0].seen.size(), 2u);
  EXPECT_EQ(merged.processes(), 2u);
}

TEST(GraphMerge, ACycleEveryEdgeOfWhichOneGateSerializesIsNotReported) {
  const GraphFile a = process("a", 1, {{"x", "y", {"gate"}}, {"gate", "x"}});
  const GraphFile b = process("b", 2, {{"y", "x", {"gate"}}, {"gate", "y"}});
  EXPECT_TRUE(cycles({a, b}).empty());
  EXPECT_EQ(cycles({a, b}, {.gated_cycles = true}).size(), 1u);
}

TEST(GraphMerge, AGateOnlyOneProcessHeldDoesNotSerialize) {
  // In process c the edge x -> y is taken without the gate: a gate must be held every time.
  const GraphFile a = process("a", 1, {{"x", "y", {"gate"}}, {"gate", "x"}});
  const GraphFile b = process("b", 2, {{"y", "x", {"gate"}}, {"gate", "y"}});
  const GraphFile c = process("c", 3, {{"x", "y"}});
  EXPECT_EQ(cycles({a, b, c}).size(), 1u);
}

TEST(GraphMerge, ReadReadCyclesAreReportedOnlyWhenAsked) {
  const GraphFile a = process("a", 1, {{"x", "y", {}, "shared>shared"}});
  const GraphFile b = process("b", 2, {{"y", "x", {}, "shared>shared"}});
  EXPECT_TRUE(cycles({a, b}).empty());
  EXPECT_EQ(cycles({a, b}, {.read_read_cycles = true}).size(), 1u);
}

TEST(GraphMerge, ThePictureMarksTheCycle) {
  MergedGraph merged;
  merged.add(process("a", 1, {{"x", "y"}, {"y", "z"}}));
  merged.add(process("b", 2, {{"z", "y"}}));
  const GraphPicture picture = merged_picture(merged, merged_cycles(merged, {}));
  ASSERT_EQ(picture.nodes.size(), 3u);
  EXPECT_FALSE(picture.nodes[0].in_cycle);  // x
  EXPECT_TRUE(picture.nodes[1].in_cycle);
  EXPECT_TRUE(picture.nodes[2].in_cycle);
  ASSERT_EQ(picture.arcs.size(), 3u);
  EXPECT_FALSE(picture.arcs[0].in_cycle);
  EXPECT_TRUE(picture.arcs[1].in_cycle);
  EXPECT_TRUE(picture.arcs[2].in_cycle);
}

TEST(GraphMerge, TwoLocksOfOneIdentityMakeNoEdge) {
  MergedGraph merged;
  merged.add(process("a", 1, {{"bucket", "bucket"}}));
  EXPECT_TRUE(merged.edges().empty());
  EXPECT_EQ(merged.same_identity_edges(), 1u);
}

TEST(GraphMerge, ALongerCycleIsReportedOnceNotOncePerEdge) {
  const std::vector<Report> found = cycles(
      {process("a", 1, {{"p", "q"}, {"q", "r"}}), process("b", 2, {{"r", "s"}, {"s", "p"}})});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].edges.size(), 4u);
}

}  // namespace
}  // namespace lockorder::report

namespace lockorder::report {
namespace {

TEST(GraphMerge, ACycleIsToldFromItsLeastLockWhateverCameFirst) {
  const std::vector<Report> found = cycles({process("billing_test", 20, {{"ledger", "accounts"}}),
                                            process("orders_test", 10, {{"accounts", "ledger"}})});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(cycle_text(found[0]), "accounts -> ledger -> accounts");
}

}  // namespace
}  // namespace lockorder::report

namespace lockorder::report {
namespace {

// CI shards merged in a tree: each shard's merge written as a graph file, then those merged.
TEST(GraphMerge, MergingMergedGraphsFindsWhatMergingAllAtOnceDoes) {
  const GraphFile a = process("a", 1, {{"x", "y"}}), b = process("b", 2, {{"y", "z"}}),
                  c = process("c", 3, {{"z", "x"}, {"p", "q"}}), d = process("d", 4, {{"q", "p"}});
  MergedGraph shard1, shard2;
  shard1.add(a);
  shard1.add(b);
  shard2.add(c);
  shard2.add(d);
  const GraphFile written1 = parse_graph_file(render_graph_file(shard1.as_graph_file("shard 1")));
  const GraphFile written2 = parse_graph_file(render_graph_file(shard2.as_graph_file("shard 2")));
  const std::vector<Report> tree = cycles({written1, written2});
  const std::vector<Report> flat = cycles({a, b, c, d});
  ASSERT_EQ(tree.size(), 2u);
  ASSERT_EQ(flat.size(), tree.size());
  for (std::size_t i = 0; i < tree.size(); ++i) {
    EXPECT_EQ(cycle_text(tree[i]), cycle_text(flat[i]));
    ASSERT_EQ(tree[i].edges.size(), flat[i].edges.size());
    for (std::size_t e = 0; e < tree[i].edges.size(); ++e)  // each edge still names its process
      EXPECT_EQ(tree[i].edges[e].thread, flat[i].edges[e].thread);
  }
}

}  // namespace
}  // namespace lockorder::report
