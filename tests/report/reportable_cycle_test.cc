// The one rule of which lock-order cycles are reported, as the runtime and lockorder-check use it:
// on a small graph of edges with gates and modes.
#include "lockorder/report/reportable_cycle.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace lockorder::report {
namespace {

struct Edge {
  std::set<std::string> gates;
  bool read_read = false;
};

// Edges by id; cycles are lists of ids, the edge they go through first; the other cycles through
// that edge are given.
struct Graph {
  std::map<int, Edge> edges;
  std::vector<std::vector<int>> other_cycles;

  std::vector<int> report(std::vector<int> found, CycleRules rules = {}) const {
    return reportable_cycle(
        std::move(found), [this](int e) -> const auto& { return edges.at(e).gates; },
        [this](int e) { return edges.at(e).read_read; }, rules,
        [this](auto keep) {
          for (const std::vector<int>& cycle : other_cycles)
            if (std::all_of(cycle.begin() + 1, cycle.end(), keep)) return cycle;
          return std::vector<int>{};
        });
  }
};

TEST(ReportableCycle, APlainCycleIsReported) {
  const Graph g{{{1, {}}, {2, {}}}, {}};
  EXPECT_EQ(g.report({1, 2}), (std::vector<int>{1, 2}));
}

TEST(ReportableCycle, ACommonGateSerializesTheCycle) {
  const Graph g{{{1, {{"g", "h"}}}, {2, {{"g"}}}}, {}};
  EXPECT_EQ(common_gates(std::vector<int>{1, 2},
                         [&](int e) -> const auto& { return g.edges.at(e).gates; }),
            (std::vector<std::string>{"g"}));
  EXPECT_TRUE(g.report({1, 2}).empty());
  EXPECT_EQ(g.report({1, 2}, {.gated_cycles = true}), (std::vector<int>{1, 2}));
}

TEST(ReportableCycle, GatesThatDifferDoNotSerialize) {
  const Graph g{{{1, {{"g"}}}, {2, {{"h"}}}}, {}};
  EXPECT_EQ(g.report({1, 2}), (std::vector<int>{1, 2}));
}

TEST(ReportableCycle, ACycleThatEscapesTheGateIsReportedInstead) {
  const Graph g{{{1, {{"g"}}}, {2, {{"g"}}}, {3, {}}}, {{1, 2}, {1, 3}}};
  EXPECT_EQ(g.report({1, 2}), (std::vector<int>{1, 3}));
}

TEST(ReportableCycle, ReadReadCyclesOnlyWhenAsked) {
  const Graph g{{{1, {{}, true}}, {2, {{}, true}}}, {}};
  EXPECT_TRUE(g.report({1, 2}).empty());
  EXPECT_EQ(g.report({1, 2}, {.read_read_cycles = true}), (std::vector<int>{1, 2}));
}

TEST(ReportableCycle, ACycleWithAnExclusiveEdgeIsFoundPastAReadReadOne) {
  const Graph g{{{1, {{}, true}}, {2, {{}, true}}, {3, {{}, false}}}, {{1, 3}}};
  EXPECT_EQ(g.report({1, 2}), (std::vector<int>{1, 3}));
}

TEST(ReportableCycle, NoCycleIsNothingToReport) {
  const Graph g{{}, {}};
  EXPECT_TRUE(g.report({}).empty());
}

}  // namespace
}  // namespace lockorder::report
