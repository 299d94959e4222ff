// lockorder-report end to end: processes write their graphs (linked runtime with graph_dir=,
// or lockorder-run --graph-dir=), and the merge reports the cycle that no process saw alone.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_support.h"

namespace lockorder::testing {
namespace {

namespace fs = std::filesystem;

// A fresh directory for one test's graph files.
std::string fresh_directory() {
  std::string dir = std::string(TEST_WORK_DIR) + "/graphs.XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << dir;
  return dir;
}

std::vector<std::string> graph_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().string().ends_with(".lockorder-graph.json"))
      files.push_back(entry.path().string());
  return files;
}

// The linked program takes `order` with its graph written into `dir`.
void run_linked(const std::string& dir, const std::string& order) {
  const RunResult run =
      run_program({LINKED_HALVES_PATH, order}, {"LOCKORDER_OPTIONS=graph_dir=" + dir});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find("WARNING"), std::string::npos) << run.err;  // half a cycle is clean
}

// A directory with the graphs of two processes, each with half of the accounts/ledger cycle.
std::string both_halves() {
  const std::string dir = fresh_directory();
  run_linked(dir, "ab");
  run_linked(dir, "ba");
  return dir;
}

RunResult report(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {LOCKORDER_REPORT_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

TEST(LockorderReport, TwoTestProcessesEachWithHalfACycleMakeOneFinding) {
  const std::string dir = both_halves();
  ASSERT_EQ(graph_files(dir).size(), 2u);
  const RunResult merged = report({dir});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_NE(merged.out.find("WARNING: lockorder: lock-order-inversion"), std::string::npos);
  EXPECT_NE(merged.out.find("Cycle: accounts -> ledger -> accounts"), std::string::npos)
      << merged.out;
  EXPECT_NE(merged.out.find("seen in 2 processes"), std::string::npos);
  EXPECT_NE(merged.out.find("in linked_halves (pid "), std::string::npos);
  EXPECT_NE(merged.out.find("halves.cc:"), std::string::npos);  // the acquisition stacks
  EXPECT_NE(merged.err.find("2 graph files, 2 locks, 2 edges: 1 cycle"), std::string::npos)
      << merged.err;
}

TEST(LockorderReport, OneOrderInEveryProcessIsClean) {
  const std::string dir = fresh_directory();
  run_linked(dir, "ab");
  run_linked(dir, "ab");
  run_linked(dir, "a");
  const RunResult merged = report({dir});
  EXPECT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(merged.out.find("WARNING"), std::string::npos) << merged.out;
}

TEST(LockorderReport, ProgramsUnderLockorderRunWriteTheirGraphsToo) {
#ifndef LOCKORDER_RUN_PATH
  GTEST_SKIP() << "lockorder-run is not built here";
#else
  const std::string dir = fresh_directory();
  for (const char* order : {"ab", "ba"}) {
    const RunResult run =
        run_program({LOCKORDER_RUN_PATH, "--graph-dir=" + dir,
                     "--graph-label=shard-" + std::string(order), "--", PLAIN_HALVES_PATH, order});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const RunResult merged = report({dir});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  // Plain std::mutex globals are known by their variables in every process.
  EXPECT_NE(merged.out.find("Cycle: accounts -> ledger -> accounts"), std::string::npos)
      << merged.out;
  EXPECT_NE(merged.out.find("plain_halves [shard-ba] (pid "), std::string::npos) << merged.out;
#endif
}

TEST(LockorderReport, ABadFileIsNamedAndTheOthersAreStillMerged) {
  const std::string dir = both_halves();
  const std::string truncated = dir + "/truncated.lockorder-graph.json";
  {
    std::ifstream in(graph_files(dir)[0]);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(truncated) << text.substr(0, text.size() / 2);
  }
  const std::string future = dir + "/future.lockorder-graph.json";
  std::ofstream(future) << R"({"format": "lockorder-graph", "version": 99})";
  const RunResult merged = report({dir});
  EXPECT_EQ(merged.exit_code, 2);
  EXPECT_NE(merged.err.find(truncated + ": not JSON"), std::string::npos) << merged.err;
  EXPECT_NE(merged.err.find(future + ": graph file version 99"), std::string::npos) << merged.err;
  EXPECT_NE(merged.out.find("Cycle: accounts -> ledger -> accounts"), std::string::npos);
  EXPECT_EQ(report({"--allow-bad-files", dir}).exit_code, 1);
}

TEST(LockorderReport, AGraphFileWithHostilePathsIsOnlyText) {
  // Paths in a graph file are names to print, never files to open or write.
  const std::string dir = fresh_directory();
  std::ofstream(dir + "/hostile.lockorder-graph.json") << R"({
    "format": "lockorder-graph", "version": 1,
    "process": {"program": "../../../etc/passwd", "pid": 1},
    "locks": [{"id": "site:/etc/shadow:1:f", "label": "a\u001b[31m"},
              {"id": "name:b", "label": "b"}],
    "frames": [{"file": "/dev/zero", "line": 1}, {"file": "../../x", "line": -5}],
    "edges": [{"from": 0, "to": 1, "modes": ["exclusive>exclusive"], "gates": [],
               "from_site": [0], "to_site": []},
              {"from": 1, "to": 0, "modes": ["exclusive>exclusive"], "gates": [],
               "from_site": [], "to_site": [1]}]})";
  const RunResult merged = report({dir});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_NE(merged.out.find("in ../../../etc/passwd (pid 1)"), std::string::npos);
  EXPECT_EQ(graph_files(dir).size(), 1u);  // nothing written
}

TEST(LockorderReport, NothingToReadIsAnError) {
  const RunResult empty = report({fresh_directory()});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("no graph file could be read"), std::string::npos);
  const RunResult missing = report({"/nonexistent/graphs"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("'/nonexistent/graphs' does not exist"), std::string::npos);
}

TEST(LockorderReport, AnUnknownOptionIsAnError) {
  const RunResult run = report({"--header-filter=src/", fresh_directory()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown option '--header-filter=src/'"), std::string::npos);
  EXPECT_EQ(report({}).exit_code, 2);
}

TEST(LockorderReport, WritesSarifForCodeScanning) {
  const std::string dir = both_halves();
  const std::string sarif = dir + "/merged.sarif";
  const RunResult merged = report({"--sarif=" + sarif, dir});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  std::ifstream in(sarif);
  const nlohmann::json log = nlohmann::json::parse(in);
  const nlohmann::json& run = log.at("runs").at(0);
  EXPECT_EQ(run.at("tool").at("driver").at("name"), "lockorder-report");
  ASSERT_EQ(run.at("results").size(), 1u);
  EXPECT_EQ(run.at("results").at(0).at("ruleId"), "lock-order-inversion");
  EXPECT_TRUE(run.at("results").at(0).contains("partialFingerprints"));
}

}  // namespace
}  // namespace lockorder::testing

namespace lockorder::testing {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(LockorderReport, ABaselineKeepsKnownCyclesQuietAndSaysWhenOneIsFixed) {
  const std::string dir = both_halves();
  const std::string baseline = dir + "/baseline.json";
  EXPECT_EQ(report({"--write-baseline=" + baseline, dir}).exit_code, 0);
  const RunResult known = report({"--baseline=" + baseline, dir});
  EXPECT_EQ(known.exit_code, 0) << known.err;
  EXPECT_EQ(known.out.find("WARNING"), std::string::npos);
  EXPECT_NE(known.err.find("1 more in the baseline"), std::string::npos) << known.err;
  // The fix: the process that took the orders the other way round now takes only one lock.
  const std::string fixed = fresh_directory();
  run_linked(fixed, "ab");
  run_linked(fixed, "a");
  const RunResult after = report({"--baseline=" + baseline, fixed});
  EXPECT_EQ(after.exit_code, 0);
  EXPECT_NE(after.err.find("fixed (in the baseline, no longer found): potential deadlock"),
            std::string::npos)
      << after.err;
  EXPECT_EQ(report({"--baseline=" + dir + "/missing.json", dir}).exit_code, 2);
}

TEST(LockorderReport, DrawsTheMergedGraphWithTheCycleInRed) {
  const std::string dir = both_halves();
  const std::string dot = dir + "/graph.dot";
  EXPECT_EQ(report({"--dot=" + dot, dir}).exit_code, 1);
  const std::string text = read_text(dot);
  EXPECT_NE(text.find("digraph"), std::string::npos);
  EXPECT_NE(text.find("accounts"), std::string::npos);
  EXPECT_NE(text.find("ledger"), std::string::npos);
  EXPECT_NE(text.find("red"), std::string::npos) << text;
  EXPECT_NE(text.find("2 processes"), std::string::npos);
}

}  // namespace
}  // namespace lockorder::testing

namespace lockorder::testing {
namespace {

TEST(LockorderReport, TheHtmlPageShowsTheCycleItsEdgesAndThePictureInABrowser) {
#ifndef CHROMIUM_PATH
  GTEST_SKIP() << "chromium is not installed (scripts/test.sh installs it)";
#else
  const std::string dir = both_halves();
  const std::string html = dir + "/report.html";
  const RunResult merged = report({"--html=" + html, dir});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  // The DOM as a headless Chromium built it from the page.
  const RunResult browser =
      run_program({CHROMIUM_PATH, "--headless", "--no-sandbox", "--disable-gpu",
                   "--user-data-dir=" + dir + "/chromium", "--dump-dom", "file://" + html},
                  {}, 90);
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  const std::string& dom = browser.out;
  EXPECT_NE(dom.find("<h1>lockorder-report: 1 cycle</h1>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("accounts -&gt; ledger -&gt; accounts"), std::string::npos);
  EXPECT_NE(dom.find("Edge 1 of 2: ledger acquired while holding accounts"), std::string::npos);
  EXPECT_NE(dom.find("Edge 2 of 2: accounts acquired while holding ledger"), std::string::npos);
  EXPECT_NE(dom.find("in linked_halves (pid "), std::string::npos);
  EXPECT_NE(dom.find("halves.cc:"), std::string::npos);  // the stacks
  // The picture: Graphviz's SVG inside the page, with both locks drawn.
  const std::size_t svg = dom.find("<svg");
  ASSERT_NE(svg, std::string::npos) << dom;
  const std::string picture = dom.substr(svg, dom.find("</svg>", svg) - svg);
  EXPECT_NE(picture.find(">accounts<"), std::string::npos) << picture;
  EXPECT_NE(picture.find(">ledger<"), std::string::npos);
  EXPECT_NE(picture.find("stroke=\"red\""), std::string::npos);
#endif
}

}  // namespace
}  // namespace lockorder::testing

namespace lockorder::testing {
namespace {

#ifdef LOCKORDER_CHECK_PATH
// The results of a SARIF log by their tag, and their rule ids.
std::map<std::string, std::vector<nlohmann::json>> results_by_tag(const nlohmann::json& log) {
  std::map<std::string, std::vector<nlohmann::json>> by_tag;
  for (const nlohmann::json& result : log.at("runs").at(0).at("results"))
    by_tag[result.at("properties").at("tags").at(0).get<std::string>()].push_back(result);
  return by_tag;
}
#endif

TEST(LockorderReport, StaticAndRuntimeCyclesAreLabelledInOneSarif) {
#ifndef LOCKORDER_CHECK_PATH
  GTEST_SKIP() << "lockorder-check is not built here";
#else
  const std::string dir = fresh_directory();
  const RunResult check = run_program(
      {LOCKORDER_CHECK_PATH, "--graph=" + dir + "/static.lockorder-graph.json", "--quiet",
       BANK_SOURCE, "--", "-std=c++20", LOCKORDER_RUNTIME_INCLUDE, LOCKORDER_REPORT_INCLUDE});
  ASSERT_EQ(check.exit_code, 1) << check.err;  // it finds accounts/ledger and cash/vault
  for (const char* mode : {"post", "bill", "alice-to-bob", "bob-to-alice"}) {
    const RunResult run =
        run_program({LINKED_BANK_PATH, mode}, {"LOCKORDER_OPTIONS=graph_dir=" + dir});
    ASSERT_EQ(run.exit_code, 0) << run.err;  // each process holds half of its cycle
  }
  const std::string sarif = dir + "/all.sarif";
  const RunResult merged = report({"--sarif=" + sarif, dir});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_NE(merged.err.find(": 3 cycles; 2 edges the static checker did not see"),
            std::string::npos)
      << merged.err;
  std::ifstream in(sarif);
  const auto by_tag = results_by_tag(nlohmann::json::parse(in));
  ASSERT_EQ(by_tag.count("confirmed"), 1u) << merged.out;
  ASSERT_EQ(by_tag.at("confirmed").size(), 1u);
  EXPECT_NE(by_tag.at("confirmed")[0].dump().find("accounts"), std::string::npos);
  ASSERT_EQ(by_tag.count("static-only"), 1u) << merged.out;
  EXPECT_NE(by_tag.at("static-only")[0].dump().find("vault"), std::string::npos);
  ASSERT_EQ(by_tag.count("runtime-only"), 1u) << merged.out;
  EXPECT_NE(by_tag.at("runtime-only")[0].dump().find("alice"), std::string::npos);
  ASSERT_EQ(by_tag.count("static-gap"), 1u);
  ASSERT_EQ(by_tag.at("static-gap").size(), 2u);
  for (const nlohmann::json& gap : by_tag.at("static-gap")) {
    EXPECT_EQ(gap.at("ruleId"), "static-gap");
    EXPECT_EQ(gap.at("level"), "note");
  }
  const std::string multitool = LOCKORDER_SARIF_MULTITOOL_PATH;
  if (!fs::exists(multitool)) return;  // scripts/test.sh installs it
  const RunResult validate = run_program({multitool, "validate", sarif});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_EQ(validate.out.find(": error "), std::string::npos) << validate.out;
  EXPECT_EQ(validate.out.find(": warning "), std::string::npos) << validate.out;
#endif
}

}  // namespace
}  // namespace lockorder::testing

namespace lockorder::testing {
namespace {

// A test's locks are destroyed before its process writes its graph at exit: their edges stay.
TEST(LockorderReport, TheEdgesOfLocksDestroyedBeforeExitAreInTheGraph) {
  const std::string dir = fresh_directory();
  const RunResult run =
      run_program({LINKED_BANK_PATH, "alice-to-bob"}, {"LOCKORDER_OPTIONS=graph_dir=" + dir});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> files = graph_files(dir);
  ASSERT_EQ(files.size(), 1u);
  std::ifstream in(files[0]);
  const nlohmann::json graph = nlohmann::json::parse(in);
  ASSERT_EQ(graph.at("edges").size(), 1u) << graph.dump(1);
  const nlohmann::json& edge = graph.at("edges").at(0);
  EXPECT_EQ(graph.at("locks").at(edge.at("from").get<int>()).at("id"), "name:alice");
  EXPECT_EQ(graph.at("locks").at(edge.at("to").get<int>()).at("id"), "name:bob");
  // Its stacks, through the file's frame table.
  std::string frames;
  for (const auto& site : {edge.at("from_site"), edge.at("to_site")})
    for (const nlohmann::json& index : site)
      frames += graph.at("frames").at(index.get<std::size_t>()).dump();
  EXPECT_NE(frames.find("transfer"), std::string::npos) << frames;
}

}  // namespace
}  // namespace lockorder::testing

namespace lockorder::testing {
namespace {

TEST(LockorderReport, ShardsMergedThenMergedAgainReportTheCycle) {
  const std::string shard1 = fresh_directory(), shard2 = fresh_directory();
  run_linked(shard1, "ab");
  run_linked(shard2, "ba");
  const std::string merged = fresh_directory();
  EXPECT_EQ(report({"--write-graph=" + merged + "/shard1.lockorder-graph.json", shard1}).exit_code,
            0);
  EXPECT_EQ(report({"--write-graph=" + merged + "/shard2.lockorder-graph.json", shard2}).exit_code,
            0);
  const RunResult both = report({merged});
  EXPECT_EQ(both.exit_code, 1) << both.err;
  EXPECT_NE(both.out.find("Cycle: accounts -> ledger -> accounts"), std::string::npos);
  EXPECT_NE(both.out.find("in linked_halves (pid "), std::string::npos) << both.out;
}

}  // namespace
}  // namespace lockorder::testing

namespace lockorder::testing {
namespace {

// Two locks one helper creates are one lock by their creation site alone; with
// graph_site_depth=2 the helper's callers tell them apart.
TEST(LockorderReport, ACreationStackDeepEnoughTellsLocksOfOneHelperApart) {
#ifndef LOCKORDER_RUN_PATH
  GTEST_SKIP() << "lockorder-run is not built here";
#else
  auto merged_with_depth = [](const std::string& depth) {
    const std::string dir = fresh_directory();
    for (const char* order : {"ab", "ba"}) {
      const RunResult run =
          run_program({LOCKORDER_RUN_PATH, "--graph-dir=" + dir, "-o", "graph_site_depth=" + depth,
                       "--", HEAP_HALVES_PATH, order});
      EXPECT_EQ(run.exit_code, 0) << run.err;
    }
    return report({dir});
  };
  const RunResult shallow = merged_with_depth("1");
  EXPECT_EQ(shallow.exit_code, 0) << shallow.out;  // one identity: no edge between them
  const RunResult deep = merged_with_depth("2");
  EXPECT_EQ(deep.exit_code, 1) << deep.err;
  EXPECT_NE(deep.out.find("seen in 2 processes"), std::string::npos) << deep.out;
#endif
}

}  // namespace
}  // namespace lockorder::testing
