// What reports look like: the text format, SARIF, DOT, options and actions.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lockorder/lockorder.h"
#include "lockorder/report/sarif_writer.h"
#include "lockorder/report/text_writer.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::ReportCollector;
using testing::ScopedOptions;

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "lockorder_" + std::to_string(getpid()) + "_" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void invert(mutex& a, mutex& b) {
  testing::lock_pair(a, b);
  testing::lock_pair(b, a);
}

TEST(TextReport, HasTheDocumentedShape) {
  mutex x("x_lock"), y("y_lock");
  ::testing::internal::CaptureStderr();
  invert(x, y);
  std::string text = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(text.rfind("WARNING: lockorder: lock-order-inversion (potential deadlock: 2 locks in "
                       "a cycle)\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("  Cycle: x_lock -> y_lock -> x_lock\n"), std::string::npos);
  EXPECT_NE(text.find("Edge 1 of 2: y_lock acquired while holding x_lock, by thread T"),
            std::string::npos);
  EXPECT_NE(text.find("x_lock acquired at:\n      #0 "), std::string::npos);
  EXPECT_NE(text.find("x_lock: mutex, created at "), std::string::npos);
  EXPECT_NE(text.find("output_test.cc:"), std::string::npos);
  EXPECT_NE(text.find("Hint: "), std::string::npos);
  EXPECT_TRUE(
      text.ends_with("SUMMARY: lockorder: lock-order-inversion x_lock -> y_lock -> x_lock\n"))
      << text;
}

TEST(TextReport, LogPathAppendsToAFile) {
  const std::string path = temp_path("log.txt");
  std::remove(path.c_str());
  ScopedOptions opts("log_path=" + path);
  mutex a("a"), b("b");
  invert(a, b);
  EXPECT_NE(read_file(path).find("WARNING: lockorder: lock-order-inversion"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Sarif, EveryReportIsWrittenAsSarif210) {
  const std::string path = temp_path("out.sarif");
  std::remove(path.c_str());
  {
    ScopedOptions opts("sarif=" + path);
    mutex a("a"), b("b");
    invert(a, b);
  }
  auto log = nlohmann::json::parse(read_file(path));
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_EQ(log["runs"].size(), 1u);
  auto& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "lockorder-runtime");
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["id"], "lock-order-inversion");
  ASSERT_GE(run["results"].size(), 1u);
  auto& result = run["results"].back();
  EXPECT_EQ(result["ruleId"], "lock-order-inversion");
  EXPECT_NE(result["message"]["text"].get<std::string>().find("a -> b -> a"), std::string::npos);
  ASSERT_EQ(result["codeFlows"].size(), 2u);  // one per edge
  auto& flow = result["codeFlows"][0]["threadFlows"][0]["locations"];
  ASSERT_GE(flow.size(), 2u);
  EXPECT_TRUE(flow[0]["location"].contains("physicalLocation"));
  EXPECT_TRUE(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  .get<std::string>()
                  .ends_with("tests/runtime/test_support.h"));
  std::remove(path.c_str());
}

TEST(Sarif, FilesAreNeverWrittenThroughASymlink) {
  const std::string target = temp_path("target"), link = temp_path("link.sarif");
  std::remove(link.c_str());
  {
    std::ofstream(target) << "keep";
  }
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  std::string error = report::write_file_atomically(link, "{}");
  EXPECT_NE(error.find("symbolic link"), std::string::npos) << error;
  EXPECT_EQ(read_file(target), "keep");
  std::remove(link.c_str());
  std::remove(target.c_str());
}

TEST(Sarif, UnwritablePathIsAClearError) {
  std::string error = report::write_file_atomically("/nonexistent-dir/x.sarif", "{}");
  EXPECT_NE(error.find("cannot write '/nonexistent-dir/x.sarif'"), std::string::npos) << error;
}

TEST(Dot, GraphShowsLocksEdgesAndTheCycle) {
  ReportCollector reports;
  mutex a("dot_a"), b("dot_b"), c("dot_c");
  testing::lock_pair(a, c);
  invert(a, b);
  std::string dot = lock_graph_dot();
  EXPECT_EQ(dot.rfind("digraph", 0), 0u);
  EXPECT_NE(dot.find("dot_a"), std::string::npos);
  EXPECT_NE(dot.find("dot_c"), std::string::npos);
  EXPECT_NE(dot.find("color=red"), std::string::npos);
  const std::string path = temp_path("graph.dot");
  EXPECT_EQ(write_lock_graph_dot(path), "");
  EXPECT_EQ(read_file(path), dot);
  std::remove(path.c_str());
}

TEST(Options, ParsesEveryKey) {
  options opts;
  EXPECT_EQ(
      parse_options("on_report=throw:on_deadlock=wait,exitcode=3:read_read_cycles=1:"
                    "gated_cycles=true:stack_depth=8:log_path=reports.log:sarif=s.sarif:dot=g.dot",
                    opts),
      "");
  EXPECT_EQ(opts.on_report, report_action::throw_exception);
  EXPECT_EQ(opts.on_deadlock, deadlock_action::wait);
  EXPECT_EQ(opts.exitcode, 3);
  EXPECT_TRUE(opts.read_read_cycles);
  EXPECT_TRUE(opts.gated_cycles);
  EXPECT_EQ(opts.stack_depth, 8);
  EXPECT_EQ(opts.sarif_path, "s.sarif");
  EXPECT_EQ(opts.dot_path, "g.dot");
}

TEST(Options, RejectsBadInputClearly) {
  options opts;
  EXPECT_EQ(parse_options("bogus=1", opts), "unknown option 'bogus'");
  EXPECT_NE(parse_options("exitcode=300", opts).find("invalid value '300' for option 'exitcode'"),
            std::string::npos);
  EXPECT_NE(parse_options("on_report=explode", opts).find("expected report, abort or throw"),
            std::string::npos);
  EXPECT_NE(parse_options("stack_depth", opts).find("has no value"), std::string::npos);
  EXPECT_EQ(opts.exitcode, 66);  // rejected values leave the option alone
}

TEST(Actions, CallbackActionHandsOverEachReport) {
  options saved = get_options();
  options opts = saved;
  std::vector<std::string> seen;
  opts.on_report = report_action::callback;
  opts.callback = [&](const report::Report& r) { seen.push_back(report::cycle_text(r)); };
  set_options(opts);
  mutex a("a"), b("b");
  invert(a, b);
  set_options(saved);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "a -> b -> a");
}

TEST(Actions, ThrowActionStopsTheAcquisitionThatClosesACycle) {
  ScopedOptions opts("on_report=throw");
  mutex a("a"), b("b");
  testing::lock_pair(a, b);
  std::lock_guard gb(b);
  try {
    a.lock();
    FAIL() << "expected lock_order_error";
  } catch (const lock_order_error& e) {
    EXPECT_EQ(e.kind(), "lock-order-inversion");
    EXPECT_NE(std::string(e.what()).find("a -> b -> a"), std::string::npos);
  }
  EXPECT_TRUE(a.try_lock());  // it was not taken
  a.unlock();
}

void invert_fresh_locks(const char* options_text) {
  ScopedOptions opts(options_text);
  mutex a("a");
  mutex b("b");
  invert(a, b);
}

TEST(ActionsDeathTest, AbortAction) {
  EXPECT_DEATH(invert_fresh_locks("on_report=abort"), "lock-order-inversion");
}

[[noreturn]] void report_then_exit_cleanly() {
  options opts = get_options();
  opts.exitcode = 66;  // the default, which the test binary's main turned off
  set_options(opts);
  mutex a("a");
  mutex b("b");
  invert(a, b);
  std::exit(0);
}

TEST(ActionsDeathTest, ReportingProcessExitsWith66) {
  // The program's own status is 0; having reported, the process exits with exitcode.
  EXPECT_EXIT(report_then_exit_cleanly(), ::testing::ExitedWithCode(66), "lock-order-inversion");
}

TEST(Observers, RemovedObserversSeeNothing) {
  int seen = 0;
  int handle = add_report_observer([&](const report::Report&) { ++seen; });
  mutex a, b;
  invert(a, b);
  remove_report_observer(handle);
  mutex c, d;
  invert(c, d);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace lockorder
