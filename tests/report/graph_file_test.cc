// Graph files: what a process writes for lockorder-report, read back exactly, and every way a
// file can be wrong said clearly.
#include "lockorder/report/graph_file.h"

#include <gtest/gtest.h>

#include <string>

namespace lockorder::report {
namespace {

GraphFile two_lock_graph() {
  GraphFile graph;
  graph.process = {"orders_test", 4242, "shard 3"};
  Lock accounts;
  accounts.label = "accounts";
  accounts.kind = "mutex";
  accounts.created = {"main", "orders.cc", 12, 0, 0, ""};
  Lock ledger;
  ledger.label = "ledger";
  ledger.kind = "shared_mutex";
  ledger.lock_class = "Ledger";
  ledger.rank = 3;
  ledger.variable = "g_ledger";
  graph.locks = {{lock_identity(accounts), accounts}, {lock_identity(ledger), ledger}};
  GraphFile::Edge edge;
  edge.from = 0;
  edge.to = 1;
  edge.modes = {"exclusive>shared"};
  edge.gates = {};
  edge.thread = "T2 'worker'";
  edge.from_site = {{"post", "orders.cc", 40, 7, 0, "/opt/app/orders_test"}};
  edge.to_site = {{"post", "orders.cc", 41, 9, 0, ""}};
  graph.edges = {edge};
  return graph;
}

TEST(GraphFile, WhatIsWrittenIsReadBack) {
  const GraphFile written = two_lock_graph();
  const GraphFile read = parse_graph_file(render_graph_file(written));
  EXPECT_EQ(read.process.program, "orders_test");
  EXPECT_EQ(read.process.pid, 4242);
  EXPECT_EQ(read.process.label, "shard 3");
  ASSERT_EQ(read.locks.size(), 2u);
  EXPECT_EQ(read.locks[0].id, "name:accounts");
  EXPECT_EQ(read.locks[0].lock.created.file, "orders.cc");
  EXPECT_EQ(read.locks[0].lock.created.line, 12);
  EXPECT_EQ(read.locks[1].id, "class:Ledger");
  EXPECT_EQ(read.locks[1].lock.kind, "shared_mutex");
  EXPECT_EQ(read.locks[1].lock.rank, 3);
  EXPECT_EQ(read.locks[1].lock.variable, "g_ledger");
  ASSERT_EQ(read.edges.size(), 1u);
  EXPECT_EQ(read.edges[0].from, 0u);
  EXPECT_EQ(read.edges[0].to, 1u);
  EXPECT_EQ(read.edges[0].modes, std::vector<std::string>{"exclusive>shared"});
  EXPECT_EQ(read.edges[0].thread, "T2 'worker'");
  ASSERT_EQ(read.edges[0].from_site.size(), 1u);
  EXPECT_EQ(read.edges[0].from_site[0].line, 40);
  EXPECT_EQ(read.edges[0].from_site[0].column, 7);
  // Modules by base name: the same program on another machine.
  EXPECT_EQ(read.edges[0].from_site[0].module, "orders_test");
  EXPECT_EQ(read.edges[0].to_site[0].function, "post");
}

TEST(GraphFile, NothingInItIsAnAddress) {
  GraphFile graph = two_lock_graph();
  graph.edges[0].from_site[0].pc = 0x401234;
  const std::string text = render_graph_file(graph);
  EXPECT_EQ(text.find("4198964"), std::string::npos);  // 0x401234
  EXPECT_EQ(text.find("0x401234"), std::string::npos);
}

TEST(GraphFile, ALockIsKnownByItsClassThenItsNameThenWhereItWasCreated) {
  Lock lock;
  lock.label = "M12";
  lock.created = {"Cache::Cache()", "cache.cc", 30, 0, 0, ""};
  EXPECT_EQ(lock_identity(lock), "site:cache.cc:30:Cache::Cache()");
  lock.label = "mutex 0x55d0c0de (g_cache_mu)";  // lockorder-run's, for a global
  lock.variable = "g_cache_mu";
  EXPECT_EQ(lock_identity(lock), "variable:g_cache_mu");
  lock.label = "cache";  // the name the program gave it
  EXPECT_EQ(lock_identity(lock), "name:cache");
  lock.lock_class = "Cache";
  EXPECT_EQ(lock_identity(lock), "class:Cache");
}

TEST(GraphFile, ALabelTheRuntimeMadeUpIdentifiesNothing) {
  Lock lock;
  lock.label = "mutex 0x7ffd1234";
  EXPECT_EQ(lock_identity(lock), "unnamed:mutex 0x7ffd1234");
  lock.label = "M3";
  EXPECT_EQ(lock_identity(lock), "unnamed:M3");
}

// The message of parsing `text`, which must fail.
std::string error_of(const std::string& text) {
  try {
    parse_graph_file(text);
  } catch (const GraphFileError& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed: " << text;
  return {};
}

TEST(GraphFile, ATruncatedFileIsNotJson) {
  const std::string text = render_graph_file(two_lock_graph());
  EXPECT_NE(error_of(text.substr(0, text.size() / 2)).find("not JSON"), std::string::npos);
}

TEST(GraphFile, AnotherKindOfJsonIsNotAGraphFile) {
  EXPECT_NE(error_of(R"({"version": 2.1, "runs": []})").find("not a lockorder graph file"),
            std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("not a lockorder graph file"), std::string::npos);
}

TEST(GraphFile, AnotherVersionIsNamed) {
  EXPECT_NE(error_of(R"({"format": "lockorder-graph", "version": 9})").find("version 9"),
            std::string::npos);
}

TEST(GraphFile, AnEdgeToNoLockIsAnError) {
  const std::string text = R"({"format": "lockorder-graph", "version": 1,
    "process": {"program": "p", "pid": 1},
    "locks": [{"id": "name:a", "label": "a"}], "frames": [],
    "edges": [{"from": 0, "to": 5, "modes": [], "gates": [], "from_site": [], "to_site": []}]})";
  EXPECT_NE(error_of(text).find("edge target 5 is not a lock (1 locks)"), std::string::npos);
}

TEST(GraphFile, AStackFrameNotInTheTableIsAnError) {
  const std::string text = R"({"format": "lockorder-graph", "version": 1,
    "process": {"program": "p", "pid": 1},
    "locks": [{"id": "name:a", "label": "a"}, {"id": "name:b", "label": "b"}],
    "frames": [{"function": "f", "file": "f.cc", "line": 3}],
    "edges": [{"from": 0, "to": 1, "modes": [], "gates": [], "from_site": [0], "to_site": [1]}]})";
  EXPECT_NE(error_of(text).find("frame 1 is not in the frame table (1 frames)"), std::string::npos);
}

TEST(GraphFile, EachFrameIsWrittenOnce) {
  GraphFile graph = two_lock_graph();
  graph.edges[0].to_site = graph.edges[0].from_site;
  graph.edges.push_back(graph.edges[0]);
  const std::string text = render_graph_file(graph);
  std::size_t count = 0;
  for (std::size_t at = text.find("\"post\""); at != std::string::npos;
       at = text.find("\"post\"", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << text;
  const GraphFile read = parse_graph_file(text);
  ASSERT_EQ(read.edges.size(), 2u);
  EXPECT_EQ(read.edges[1].to_site[0].function, "post");
}

TEST(GraphFile, AFieldOfTheWrongTypeIsAnError) {
  const std::string text = R"({"format": "lockorder-graph", "version": 1,
    "process": {"program": "p", "pid": "one"}, "locks": [], "edges": []})";
  EXPECT_NE(error_of(text).find("malformed graph file"), std::string::npos);
}

}  // namespace
}  // namespace lockorder::report
