// lockorder-check end to end: the command line, exit status, compilation databases, files that do
// not parse, suppression, baselines, SARIF (checked by the SARIF Multitool when it is installed)
// and DOT. The build names the checker and where scripts/test.sh installs the multitool from the
// npm registry; LOCKORDER_CHECK and LOCKORDER_SARIF_MULTITOOL override them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Result {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Cli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("lockorder-cli-" + std::to_string(getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  Result run(const std::string& arguments) {
    const fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string command = "cd '" + dir_.string() + "' && '" + checker() + "' " + arguments +
                                " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  static std::string checker() {
    const char* path = std::getenv("LOCKORDER_CHECK");
    return path ? path : LOCKORDER_CHECK_PATH;
  }

  // A program with one cycle between f (a then b) and g (b then a).
  void write_cycle(const std::string& name = "cycle.cc") {
    write(name,
          "#include <mutex>\n"
          "std::mutex a, b;\n"
          "void f() { std::lock_guard x(a); std::lock_guard y(b); }\n"
          "void g() { std::lock_guard y(b); std::lock_guard x(a); }\n");
  }

  void write_database(const std::vector<std::string>& files) {
    nlohmann::json db = nlohmann::json::array();
    for (const std::string& f : files)
      db.push_back({{"directory", dir_.string()},
                    {"file", f},
                    {"arguments", {"clang++", "-std=c++20", "-c", f}}});
    std::ofstream(dir_ / "compile_commands.json") << db.dump(2);
  }

  fs::path dir_;
};

TEST_F(Cli, CleanCodeExitsZero) {
  write("clean.cc", "#include <mutex>\nstd::mutex a;\nvoid f() { std::lock_guard g(a); }\n");
  Result r = run("clean.cc -- -std=c++20");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("0 findings"), std::string::npos) << r.err;
}

TEST_F(Cli, FindingsExitOneWithClangStyleDiagnostics) {
  write_cycle();
  Result r = run("cycle.cc -- -std=c++20");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("cycle.cc:3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning: lock-order cycle: 'a' -> 'b' -> 'a' (potential deadlock) "
                       "[lockorder-lock-order-inversion]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("cycle.cc:4:"), std::string::npos) << "both edges shown:\n" << r.out;
}

TEST_F(Cli, DatabaseFromBuildDirectoryChecksEveryFile) {
  write("a.cc",
        "#include <mutex>\nextern std::mutex a, b;\nvoid f() { std::lock_guard x(a); "
        "std::lock_guard y(b); }\n");
  write("b.cc",
        "#include <mutex>\nstd::mutex a, b;\nvoid g() { std::lock_guard y(b); "
        "std::lock_guard x(a); }\n");
  write_database({"a.cc", "b.cc"});
  Result r = run("-p . -j 2");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("lock-order cycle: 'a' -> 'b' -> 'a'"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("2 of 2 files"), std::string::npos) << r.err;
}

// The facts of unchanged files come from the cache, the cross-file cycle is still found, and a
// changed header is parsed again in every file that includes it (and only those).
TEST_F(Cli, CachedFactsKeepCrossFileFindingsAndFollowHeaders) {
  write("locks.h", "#include <mutex>\nextern std::mutex a, b;\ninline void helper() {}\n");
  write("a.cc", "#include \"locks.h\"\nvoid f() { std::lock_guard x(a); std::lock_guard y(b); }\n");
  write("b.cc", "#include \"locks.h\"\nstd::mutex a, b;\nvoid g() { std::lock_guard y(b); }\n");
  write("c.cc", "void unrelated() {}\n");
  write_database({"a.cc", "b.cc", "c.cc"});
  Result cold = run("-p . -j 2");
  EXPECT_EQ(cold.status, 0) << cold.err;
  EXPECT_NE(cold.err.find("0 of 3 files' facts from the cache, 3 to parse"), std::string::npos)
      << cold.err;
  EXPECT_TRUE(fs::is_directory(dir_ / ".lockorder-cache"));

  // b.cc changes: only it is parsed again, and its new order closes a cycle with a.cc's.
  write("b.cc",
        "#include \"locks.h\"\nstd::mutex a, b;\n"
        "void g() { std::lock_guard y(b); std::lock_guard x(a); }\n");
  Result warm = run("-p . -j 2");
  EXPECT_EQ(warm.status, 1) << warm.err;
  EXPECT_NE(warm.err.find("2 of 3 files' facts from the cache, 1 to parse"), std::string::npos)
      << warm.err;
  EXPECT_NE(warm.out.find("lock-order cycle: 'a' -> 'b' -> 'a'"), std::string::npos) << warm.out;

  // The header changes: both files that include it are parsed again, not c.cc.
  write("locks.h", "#include <mutex>\nextern std::mutex a, b;\ninline void helper() { }\n");
  Result header = run("-p . -j 2");
  EXPECT_EQ(header.status, 1) << header.err;
  EXPECT_NE(header.err.find("1 of 3 files' facts from the cache, 2 to parse"), std::string::npos)
      << header.err;

  // --changed-from with a list: only the files that read a listed file are parsed.
  write("changed.txt", (dir_ / "c.cc").string() + "\n");
  Result listed = run("-p . -j 2 --changed-from=changed.txt");
  EXPECT_EQ(listed.status, 1) << listed.err;
  EXPECT_NE(listed.err.find("2 of 3 files' facts from the cache, 1 to parse"), std::string::npos)
      << listed.err;

  Result none = run("-p . -j 2 --no-cache");
  EXPECT_EQ(none.status, 1) << none.err;
  EXPECT_EQ(none.err.find("from the cache"), std::string::npos) << none.err;
}

// A damaged cache entry (truncated, or a byte changed anywhere) is parsed again, never trusted
// and never a crash; the run's findings are those of a cold run.
TEST_F(Cli, DamagedCacheEntriesAreParsedAgain) {
  write_cycle();
  write_database({"cycle.cc"});
  Result cold = run("-p . -j 1");
  ASSERT_EQ(cold.status, 1) << cold.err;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir_ / ".lockorder-cache"))
    entries.push_back(e.path());
  ASSERT_EQ(entries.size(), 1u);
  const std::string intact = slurp(entries[0]);
  ASSERT_GT(intact.size(), 64u);
  const std::vector<std::string> damaged = {
      intact.substr(0, intact.size() / 2),                               // truncated
      intact.substr(0, intact.size() - 3) + "\xff\xff\xff",              // last bytes
      std::string(intact).replace(intact.size() * 3 / 4, 1, 1, '\x7f'),  // inside the IR
      std::string(intact.size(), '\xff')};                               // all garbage
  for (const std::string& bytes : damaged) {
    write(entries[0].lexically_relative(dir_).string(), bytes);
    Result warm = run("-p . -j 1");
    EXPECT_EQ(warm.status, 1) << warm.err;
    EXPECT_NE(warm.err.find("0 of 1 files' facts from the cache, 1 to parse"), std::string::npos)
        << warm.err;
    EXPECT_EQ(warm.out, cold.out);
  }
}

// The .pch files kept for files being edited.
std::vector<fs::path> kept_preambles(const fs::path& cache, const std::string& extension) {
  std::vector<fs::path> kept;
  if (!fs::is_directory(cache / "preambles")) return kept;
  for (const auto& e : fs::directory_iterator(cache / "preambles"))
    if (e.path().extension() == extension) kept.push_back(e.path());
  return kept;
}

// A file changed again after its facts were cached keeps a precompiled preamble; the parses on
// it find what a whole parse finds, and a header the preamble read that changes (to the same
// size, within the same second) is seen.
TEST_F(Cli, AFileBeingEditedKeepsAPreambleThatChangesNoFinding) {
  write("order.h", "#pragma once\n#include <mutex>\n#define FIRST a\n#define SECOND b\n");
  const std::string a_cc =
      "#include \"order.h\"\nextern std::mutex a, b;\n"
      "void f() { std::lock_guard x(FIRST); std::lock_guard y(SECOND); }\n";
  write("a.cc", a_cc);
  write("b.cc",
        "#include <mutex>\nstd::mutex a, b;\n"
        "void g() { std::lock_guard y(b); std::lock_guard x(a); }\n");
  // The compile commands run in another directory than the checker, and the cache's path is
  // relative to the checker's: the preamble is built and used all the same.
  fs::create_directories(dir_ / "objects");
  nlohmann::json db = nlohmann::json::array();
  for (const char* f : {"a.cc", "b.cc"})
    db.push_back({{"directory", (dir_ / "objects").string()},
                  {"file", (dir_ / f).string()},
                  {"arguments", {"clang++", "-std=c++20", "-c", (dir_ / f).string()}}});
  std::ofstream(dir_ / "compile_commands.json") << db.dump(2);
  const std::string check = "-p . -j 1 --cache-dir=cache";
  const Result cold = run(check);
  ASSERT_EQ(cold.status, 1) << cold.err;
  EXPECT_TRUE(kept_preambles(dir_ / "cache", ".pch").empty())
      << "no preamble for a file that was never edited";
  fs::file_time_type built;
  for (int edit = 1; edit <= 3; ++edit) {
    write("a.cc", a_cc + "// edit " + std::to_string(edit) + "\n");
    const Result edited = run(check);
    EXPECT_EQ(edited.status, 1) << edited.err;
    EXPECT_EQ(edited.out, cold.out) << "edit " << edit;
    EXPECT_NE(edited.err.find("1 of 2 files' facts from the cache, 1 to parse"), std::string::npos)
        << edited.err;
    const std::vector<fs::path> kept = kept_preambles(dir_ / "cache", ".pch");
    ASSERT_EQ(kept.size(), 1u) << "edit " << edit;
    // Built by the first edit, used as it is by the next ones.
    if (edit == 1) built = fs::last_write_time(kept[0]);
    EXPECT_EQ(fs::last_write_time(kept[0]), built) << "edit " << edit << " rebuilt it";
  }

  // The header swaps the order, so f now agrees with g: no cycle.
  write("order.h", "#pragma once\n#include <mutex>\n#define FIRST b\n#define SECOND a\n");
  write("a.cc", a_cc + "// edit 4\n");
  const Result swapped = run(check);
  EXPECT_EQ(swapped.status, 0) << swapped.out << swapped.err;
  EXPECT_EQ(swapped.out, "");
}

// With --preambles=all, the run that fills the cache keeps every file's preamble: the first
// change of any file parses on it (not rebuilt), with the same findings.
TEST_F(Cli, PreamblesForEveryFileMakeTheFirstChangeUseOne) {
  write_cycle("a.cc");
  write("b.cc", "#include <mutex>\nstd::mutex unrelated;\n");
  write_database({"a.cc", "b.cc"});
  const std::string check = "-p . -j 1 --preambles=all";
  const Result filled = run(check);
  ASSERT_EQ(filled.status, 1) << filled.err;
  const std::vector<fs::path> kept = kept_preambles(dir_ / ".lockorder-cache", ".pch");
  ASSERT_EQ(kept.size(), 2u);
  std::map<fs::path, fs::file_time_type> built;
  for (const fs::path& pch : kept) built[pch] = fs::last_write_time(pch);
  write("b.cc", "#include <mutex>\nstd::mutex unrelated;\n// edit\n");
  const Result edited = run(check);
  EXPECT_EQ(edited.status, 1) << edited.err;
  EXPECT_EQ(edited.out, filled.out);
  EXPECT_NE(edited.err.find("1 of 2 files' facts from the cache, 1 to parse"), std::string::npos)
      << edited.err;
  for (const fs::path& pch : kept_preambles(dir_ / ".lockorder-cache", ".pch"))
    EXPECT_EQ(fs::last_write_time(pch), built[pch]) << pch << " was built again";
  EXPECT_EQ(kept_preambles(dir_ / ".lockorder-cache", ".pch").size(), 2u);

  const Result no_cache = run("-p . --no-cache --preambles=all");
  EXPECT_EQ(no_cache.status, 2);
  EXPECT_NE(no_cache.err.find("--preambles keeps preambles in the cache"), std::string::npos)
      << no_cache.err;
}

// The bodies of functions in system headers are never lowered, so the parser skips them: an
// error inside one is not seen. A constexpr body, or one whose return type is deduced, is
// parsed all the same (the rest of the file needs it), and a function of the project's own
// headers is analysed as always.
TEST_F(Cli, BodiesOfSystemHeaderFunctionsAreSkipped) {
  fs::create_directories(dir_ / "system");
  write("system/library.h",
        "#pragma once\n"
        "inline void library_internals() { not_declared_anywhere(); }\n"
        "constexpr int table_size() { return 4; }\n"
        "template <class T> auto same(T t) { return t; }\n");
  write("own.h",
        "#pragma once\n#include <mutex>\nextern std::mutex a, b;\n"
        "inline void ab() { std::lock_guard x(a); std::lock_guard y(b); }\n");
  write("use.cc",
        "#include <library.h>\n#include \"own.h\"\n"
        "std::mutex a, b;\n"
        "int table[table_size()];\n"
        "int value = same(1);\n"
        "void ba() { std::lock_guard y(b); ab(); }\n");
  nlohmann::json db = nlohmann::json::array();
  db.push_back({{"directory", dir_.string()},
                {"file", "use.cc"},
                {"arguments", {"clang++", "-std=c++20", "-isystem", "system", "-c", "use.cc"}}});
  std::ofstream(dir_ / "compile_commands.json") << db.dump(2);
  for (const char* cache : {"--no-cache", "--preambles=all"}) {
    const Result r = run(std::string("-p . -j 1 ") + cache);
    EXPECT_EQ(r.status, 1) << cache << "\n" << r.err;
    EXPECT_EQ(r.err.find("error"), std::string::npos) << cache << "\n" << r.err;
    EXPECT_NE(r.out.find("lock-order cycle: 'a' -> 'b' -> 'a'"), std::string::npos) << cache << "\n"
                                                                                    << r.out;
  }
}

// Only the most recently used preambles are kept (each may be megabytes): the files being edited.
TEST_F(Cli, OnlyTheFilesEditedLastKeepTheirPreambles) {
  const std::vector<std::string> files = {"a.cc", "b.cc", "c.cc"};
  for (const std::string& f : files)
    write(f, "#include <mutex>\nstd::mutex m_" + f.substr(0, 1) + ";\n");
  write_database(files);
  ASSERT_EQ(run("-p . -j 1").status, 0);
  for (const std::string& f : files)
    for (int edit = 1; edit <= 2; ++edit) {
      write(f, "#include <mutex>\nstd::mutex m_" + f.substr(0, 1) + ";\n// edit " +
                   std::to_string(edit) + "\n");
      const Result r = run("-p . -j 1 --kept-preambles=2");
      ASSERT_EQ(r.status, 0) << r.err;
    }
  const std::vector<fs::path> kept = kept_preambles(dir_ / ".lockorder-cache", ".pch");
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept_preambles(dir_ / ".lockorder-cache", ".h").size(), 2u);
}

// A preamble that cannot stand before its own file (a header without include guards, included
// again by the parse) is given up: the file is parsed whole, with the same findings.
TEST_F(Cli, AFileWhosePreambleCannotBeReusedIsParsedWhole) {
  write("counter.h", "struct Counter { int n; };\n");
  const std::string cycle_cc =
      "#include <mutex>\n#include \"counter.h\"\n"
      "std::mutex a, b;\n"
      "void f() { std::lock_guard x(a); std::lock_guard y(b); }\n"
      "void g() { std::lock_guard y(b); std::lock_guard x(a); }\n";
  write("cycle.cc", cycle_cc);
  write_database({"cycle.cc"});
  const Result cold = run("-p . -j 1");
  ASSERT_EQ(cold.status, 1) << cold.err;
  for (int edit = 1; edit <= 3; ++edit) {
    write("cycle.cc", cycle_cc + "// edit " + std::to_string(edit) + "\n");
    const Result edited = run("-p . -j 1");
    EXPECT_EQ(edited.status, 1) << edited.err;
    EXPECT_EQ(edited.out, cold.out) << "edit " << edit;
    EXPECT_EQ(edited.err.find("error"), std::string::npos) << edited.err;
  }
  EXPECT_TRUE(kept_preambles(dir_ / ".lockorder-cache", ".pch").empty());
  EXPECT_EQ(kept_preambles(dir_ / ".lockorder-cache", ".off").size(), 1u);
}

// A build that distributes compilation writes each file's facts where it compiles it; one run
// over all the facts finds the cycle that no single file shows.
TEST_F(Cli, FactsEmittedPerFileAreCheckedTogether) {
  write("a.cc",
        "#include <mutex>\nextern std::mutex a, b;\n"
        "void f() { std::lock_guard x(a); std::lock_guard y(b); }\n");
  write("b.cc",
        "#include <mutex>\nstd::mutex a, b;\n"
        "void g() { std::lock_guard y(b); std::lock_guard x(a); }\n");
  for (const char* file : {"a.cc", "b.cc"}) {
    Result emitted = run(std::string("--emit-facts=facts ") + file + " -- -std=c++20");
    EXPECT_EQ(emitted.status, 0) << emitted.err;
    EXPECT_EQ(emitted.out, "");  // writing facts checks nothing
  }
  Result checked = run("--facts=facts");
  EXPECT_EQ(checked.status, 1) << checked.err;
  EXPECT_NE(checked.out.find("lock-order cycle: 'a' -> 'b' -> 'a'"), std::string::npos)
      << checked.out;
  EXPECT_NE(checked.err.find("2 of 2 files"), std::string::npos) << checked.err;
  EXPECT_EQ(run("--facts=nowhere").status, 2);
  EXPECT_EQ(run("--facts=facts a.cc -- -std=c++20").status, 2);
}

TEST_F(Cli, ChangedFromNeedsACacheAndAListOrARange) {
  write_cycle();
  EXPECT_EQ(run("--changed-from=x cycle.cc -- -std=c++20").status, 2);
  write_database({"cycle.cc"});
  Result bad = run("-p . --changed-from='no such revision'");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--changed-from"), std::string::npos) << bad.err;
}

TEST_F(Cli, MissingDatabaseIsAClearError) {
  Result r = run("-p no-such-dir");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("compilation database"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("-p DIR"), std::string::npos) << r.err;
}

TEST_F(Cli, BrokenDatabaseIsAClearError) {
  write("compile_commands.json", "[ { \"directory\": ");
  Result r = run("-p .");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("compile_commands.json"), std::string::npos) << r.err;
}

// The others are still checked, but the run did not check everything: a CI gate must not pass.
TEST_F(Cli, FileThatDoesNotParseIsReportedAndTheRunExitsTwo) {
  write_cycle();
  write("broken.cc", "void f( {\n");
  write("clean.cc", "#include <mutex>\nstd::mutex a;\nvoid f() { std::lock_guard g(a); }\n");
  Result r = run("cycle.cc broken.cc -- -std=c++20");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("broken.cc could not be parsed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--allow-parse-errors"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("lock-order cycle"), std::string::npos) << r.out;
  EXPECT_EQ(run("clean.cc broken.cc -- -std=c++20").status, 2) << "not 0";
  EXPECT_EQ(run("--allow-parse-errors cycle.cc broken.cc -- -std=c++20").status, 1);
  EXPECT_EQ(run("--allow-parse-errors clean.cc broken.cc -- -std=c++20").status, 0);
}

TEST_F(Cli, OldCThatDoesNotParseGetsAHint) {
  write("old.c", "int main(void) { return undeclared(); }\n");
  write("clean.c", "int ok(void) { return 0; }\n");
  Result r = run("clean.c old.c --");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("-std=gnu89"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("-Wno-implicit-function-declaration"), std::string::npos) << r.err;
}

TEST_F(Cli, NoFileParsingIsExitTwo) {
  write("broken.cc", "void f( {\n");
  Result r = run("broken.cc -- -std=c++20");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no file could be parsed"), std::string::npos) << r.err;
}

TEST_F(Cli, BadOptionIsExitTwo) {
  Result r = run("--no-such-option x.cc --");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no-such-option"), std::string::npos) << r.err;
}

// LLVM's parser took any unknown option beginning with -h for --help and exited 0 unchecked.
TEST_F(Cli, AnUnknownOptionBeginningWithHIsAnError) {
  write_cycle();
  Result r = run("--header-filter=src/ cycle.cc -- -std=c++20");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown option '--header-filter=src/'"), std::string::npos) << r.err;
  EXPECT_EQ(run("-hx cycle.cc -- -std=c++20").status, 2);
}

TEST_F(Cli, VersionNamesTheTool) {
  Result r = run("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("lockorder-check " LOCKORDER_VERSION " (Clang 19"), std::string::npos)
      << r.out;
}

// Without a terminal (a CI log) progress comes as whole lines.
TEST_F(Cli, ProgressLinesWithoutATerminal) {
  write_cycle();
  write("clean.cc", "#include <mutex>\nstd::mutex c;\nvoid h() { std::lock_guard g(c); }\n");
  Result r = run("--progress-interval=0 -j 1 cycle.cc clean.cc -- -std=c++20");
  EXPECT_NE(r.err.find("lockorder-check: 1 of 2 files parsed\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lockorder-check: 2 of 2 files parsed\n"), std::string::npos) << r.err;
  EXPECT_EQ(run("--quiet cycle.cc -- -std=c++20").err, "");
}

TEST_F(Cli, HelpListsTheOptions) {
  Result r = run("--help");
  EXPECT_EQ(r.status, 0);
  for (const char* option : {"--sarif", "--dot", "--baseline", "--write-baseline", "--config", "-j",
                             "lockorder: ignore"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

TEST_F(Cli, BaselineHidesKnownFindingsOnly) {
  write_cycle();
  Result first = run("--write-baseline=baseline.json cycle.cc -- -std=c++20");
  EXPECT_EQ(first.status, 0) << "adopting a baseline succeeds (set -e scripts go on)";
  Result known = run("--baseline=baseline.json cycle.cc -- -std=c++20");
  EXPECT_EQ(known.status, 0) << known.out;
  EXPECT_NE(known.err.find("1 more in the baseline"), std::string::npos) << known.err;
  // A new finding (a double-lock) is still reported.
  write("more.cc", "#include <mutex>\nstd::mutex c;\nvoid h() { c.lock(); c.lock(); }\n");
  Result fresh = run("--baseline=baseline.json cycle.cc more.cc -- -std=c++20");
  EXPECT_EQ(fresh.status, 1);
  EXPECT_NE(fresh.out.find("[lockorder-double-lock]"), std::string::npos) << fresh.out;
  EXPECT_EQ(fresh.out.find("[lockorder-lock-order-inversion]"), std::string::npos) << fresh.out;
}

// clang-tidy's comments suppress any rule at the finding's line, the double-lock included.
TEST_F(Cli, NolintSuppressesAnyRule) {
  write("double.cc",
        "#include <mutex>\nstd::mutex c, d, e;\n"
        "void h() { c.lock(); c.lock(); }  // NOLINT(lockorder-double-lock)\n"
        "void i() {\n  d.lock();\n  // NOLINTNEXTLINE(lockorder-*)\n  d.lock();\n}\n"
        "void j() { e.lock(); e.lock(); }  // NOLINT(bugprone-unrelated)\n");
  Result r = run("double.cc -- -std=c++20");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(r.out.find("double.cc:3:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("double.cc:7:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("double.cc:9:"), std::string::npos) << "another tool's NOLINT:\n" << r.out;
  EXPECT_NE(r.err.find("2 suppressed by NOLINT"), std::string::npos) << r.err;
}

TEST_F(Cli, ChecksSelectsRulesWithClangTidySyntax) {
  write_cycle();
  write("double.cc", "#include <mutex>\nstd::mutex c;\nvoid h() { c.lock(); c.lock(); }\n");
  Result only = run("--checks=-*,lockorder-double-lock cycle.cc double.cc -- -std=c++20");
  EXPECT_EQ(only.status, 1);
  EXPECT_NE(only.out.find("[lockorder-double-lock]"), std::string::npos) << only.out;
  EXPECT_EQ(only.out.find("[lockorder-lock-order-inversion]"), std::string::npos) << only.out;
  Result none = run("--checks=-lockorder-* cycle.cc double.cc -- -std=c++20");
  EXPECT_EQ(none.status, 0) << none.out;
  Result typo = run("--checks=-*,lockorder-double-locks double.cc -- -std=c++20");
  EXPECT_NE(typo.err.find("'lockorder-double-locks' matches no rule"), std::string::npos)
      << typo.err;
  EXPECT_EQ(run("--checks=- double.cc -- -std=c++20").status, 2);
}

// A finding is known by its edges: when the edge that made it moves to another function, the
// known finding is fixed and the one that remains is new; a fixed one is said.
TEST_F(Cli, BaselineTellsFixedAndNewByEdges) {
  write_cycle();
  ASSERT_EQ(run("--write-baseline=baseline.json cycle.cc -- -std=c++20").status, 0);
  write("cycle.cc",
        "#include <mutex>\nstd::mutex a, b;\n"
        "void f() { std::lock_guard x(a); std::lock_guard y(b); }\n"
        "void h() { std::lock_guard y(b); std::lock_guard x(a); }\n");
  Result moved = run("--baseline=baseline.json cycle.cc -- -std=c++20");
  EXPECT_EQ(moved.status, 1) << moved.err;
  EXPECT_NE(moved.out.find("lock-order cycle"), std::string::npos) << moved.out;
  EXPECT_NE(moved.err.find("1 in the baseline fixed"), std::string::npos) << moved.err;
  write("cycle.cc",
        "#include <mutex>\nstd::mutex a, b;\n"
        "void f() { std::lock_guard x(a); std::lock_guard y(b); }\n"
        "void h() { std::lock_guard x(a); std::lock_guard y(b); }\n");
  Result fixed = run("--baseline=baseline.json cycle.cc -- -std=c++20");
  EXPECT_EQ(fixed.status, 0) << fixed.err;
  EXPECT_NE(fixed.err.find("fixed (in the baseline, no longer found): lock-order cycle"),
            std::string::npos)
      << fixed.err;
}

// Baselines written before fingerprints had edges still match as they did.
TEST_F(Cli, AFirstFormatBaselineStillMatches) {
  write_cycle();
  write("old.json",
        R"({"tool":"lockorder-check","version":1,"findings":[)"
        R"({"rule":"lock-order-cycle","fingerprint":"lock-order-cycle:a,b","message":""}]})");
  Result r = run("--baseline=old.json cycle.cc -- -std=c++20");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("1 more in the baseline"), std::string::npos) << r.err;
}

TEST_F(Cli, UnreadableBaselineIsExitTwo) {
  write_cycle();
  write("bad.json", "{ not json");
  EXPECT_EQ(run("--baseline=bad.json cycle.cc -- -std=c++20").status, 2);
  EXPECT_EQ(run("--baseline=missing.json cycle.cc -- -std=c++20").status, 2);
}

TEST_F(Cli, SarifFileHasResultsWithCodeFlows) {
  write_cycle();
  Result r = run("--sarif=out.sarif cycle.cc -- -std=c++20");
  EXPECT_EQ(r.status, 1);
  const nlohmann::json log = nlohmann::json::parse(slurp(dir_ / "out.sarif"));
  EXPECT_EQ(log["version"], "2.1.0");
  const nlohmann::json& run0 = log["runs"][0];
  EXPECT_EQ(run0["tool"]["driver"]["name"], "lockorder-check");
  ASSERT_EQ(run0["results"].size(), 1u);
  const nlohmann::json& result = run0["results"][0];
  EXPECT_EQ(result["ruleId"], "lock-order-inversion");
  EXPECT_FALSE(result["locations"].empty());
  EXPECT_EQ(result["codeFlows"].size(), 2u);  // one per edge
  // The diagnostics still go to stdout.
  EXPECT_NE(r.out.find("lock-order cycle"), std::string::npos);
}

// What code scanning needs: files relative to a base the run declares, a fingerprint per
// finding, and rules with help.
TEST_F(Cli, SarifIsReadyForCodeScanning) {
  write_cycle();
  ASSERT_EQ(run("--sarif=out.sarif " + (dir_ / "cycle.cc").string() + " -- -std=c++20").status, 1);
  const nlohmann::json run0 = nlohmann::json::parse(slurp(dir_ / "out.sarif"))["runs"][0];
  const nlohmann::json& artifact =
      run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(artifact["uri"], "cycle.cc") << artifact;
  EXPECT_EQ(artifact["uriBaseId"], "SRCROOT") << artifact;
  const std::string root = run0["originalUriBaseIds"]["SRCROOT"]["uri"].get<std::string>();
  EXPECT_TRUE(root.starts_with("file://") && root.ends_with("/")) << root;
  EXPECT_TRUE(run0["tool"]["driver"]["informationUri"].is_string());
  const nlohmann::json& rule = run0["tool"]["driver"]["rules"][0];
  EXPECT_EQ(rule["name"], "LockOrderInversion");
  EXPECT_TRUE(rule["help"]["text"].is_string());
  EXPECT_TRUE(rule["helpUri"].get<std::string>().ends_with("runtime.md#what-is-checked-precisely"));
  const std::string print =
      run0["results"][0]["partialFingerprints"]["lockorderEdges/v1"].get<std::string>();
  EXPECT_EQ(print.size(), 16u);

  // The same locks, one edge now taken in another function: another finding.
  write("cycle.cc",
        "#include <mutex>\nstd::mutex a, b;\n"
        "void f() { std::lock_guard x(a); std::lock_guard y(b); }\n"
        "void h() { std::lock_guard y(b); std::lock_guard x(a); }\n");
  ASSERT_EQ(run("--sarif=again.sarif cycle.cc -- -std=c++20").status, 1);
  const nlohmann::json again = nlohmann::json::parse(slurp(dir_ / "again.sarif"));
  EXPECT_NE(again["runs"][0]["results"][0]["partialFingerprints"]["lockorderEdges/v1"], print);
}

TEST_F(Cli, SarifOnStdoutReplacesTheDiagnostics) {
  write_cycle();
  Result r = run("--sarif=- cycle.cc -- -std=c++20");
  EXPECT_EQ(r.status, 1);
  const nlohmann::json log = nlohmann::json::parse(r.out);
  EXPECT_EQ(log["runs"][0]["results"].size(), 1u);
}

TEST_F(Cli, SarifIsValidForTheSarifMultitool) {
  const char* from_env = std::getenv("LOCKORDER_SARIF_MULTITOOL");
  const char* multitool = from_env ? from_env : LOCKORDER_SARIF_MULTITOOL_PATH;
  if (!fs::exists(multitool))
    GTEST_SKIP() << multitool << " is not installed (scripts/test.sh installs it)";
  write_cycle();
  write("more.cc", "#include <mutex>\nstd::mutex c;\nvoid h() { c.lock(); c.lock(); }\n");
  // The opt-in rules' results and rules too.
  write("optin.cc",
        "#include <functional>\n#include <mutex>\nstd::mutex m;\nstd::function<void()> hook;\n"
        "struct A { std::mutex mu; void f(A& o) { std::lock_guard x(mu); "
        "std::lock_guard y(o.mu); } };\n"
        "void notify() { std::lock_guard x(m); hook(); }\n");
  ASSERT_EQ(run("--checks=* --sarif=out.sarif cycle.cc more.cc optin.cc -- -std=c++20").status, 1);
  const nlohmann::json log = nlohmann::json::parse(slurp(dir_ / "out.sarif"));
  std::set<std::string> rules;
  for (const auto& result : log["runs"][0]["results"]) rules.insert(result["ruleId"]);
  EXPECT_EQ(rules, (std::set<std::string>{"lock-order-inversion", "double-lock", "instance-order",
                                          "callback-under-lock"}));
  const std::string command = std::string("'") + multitool + "' validate '" +
                              (dir_ / "out.sarif").string() + "' >'" +
                              (dir_ / "validate.txt").string() + "' 2>&1";
  const int status = std::system(command.c_str());
  const std::string output = slurp(dir_ / "validate.txt");
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_EQ(output.find(": error "), std::string::npos) << output;
  EXPECT_EQ(output.find(": warning "), std::string::npos) << output;
}

TEST_F(Cli, UnwritableOutputIsExitTwo) {
  write_cycle();
  Result r = run("--sarif=no-such-dir/out.sarif cycle.cc -- -std=c++20");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no-such-dir"), std::string::npos) << r.err;
}

TEST_F(Cli, DotShowsTheGraphWithTheCycleInRed) {
  write_cycle();
  ASSERT_EQ(run("--dot=graph.dot cycle.cc -- -std=c++20").status, 1);
  const std::string dot = slurp(dir_ / "graph.dot");
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("\"a\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("red"), std::string::npos) << dot;
}

TEST_F(Cli, ConfigurationNamesFurtherLockTypes) {
  write("spin.cc",
        "struct SpinLock { void Acquire(); void Release(); };\n"
        "SpinLock a, b;\n"
        "void f() { a.Acquire(); b.Acquire(); b.Release(); a.Release(); }\n"
        "void g() { b.Acquire(); a.Acquire(); a.Release(); b.Release(); }\n");
  EXPECT_EQ(run("spin.cc -- -std=c++20").status, 0);  // unknown without configuration
  write("config.json",
        R"({"mutexes": [{"type": "SpinLock", "lock": ["Acquire"], "unlock": ["Release"]}]})");
  Result r = run("--config=config.json spin.cc -- -std=c++20");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("'a' -> 'b' -> 'a'"), std::string::npos) << r.out;
}

// An order declared in the configuration is checked as ACQUIRED_BEFORE is: taking a lock while
// holding one declared after it is a lock-hierarchy finding, even with no cycle, and transitively.
TEST_F(Cli, ConfigurationDeclaresAnOrder) {
  write("order.cc",
        "#include <mutex>\n"
        "std::mutex outer, middle, inner;\n"
        "void f() { std::lock_guard x(inner); std::lock_guard y(outer); }\n");
  write("config.json", R"({"order": ["outer", "middle", "inner"]})");
  EXPECT_EQ(run("order.cc -- -std=c++20").status, 0);
  Result r = run("--config=config.json order.cc -- -std=c++20");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("'outer' is declared to be acquired before 'inner'"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[lockorder-lock-hierarchy]"), std::string::npos) << r.out;
  write("bad.json", R"({"order": ["outer", ""]})");
  EXPECT_EQ(run("--config=bad.json order.cc -- -std=c++20").status, 2);
}

// pigz's yarn: a C lock API of free functions that take the lock as an argument. Without the
// configuration the inversion is invisible unless yarn's own sources are analysed too.
TEST_F(Cli, ConfigurationDescribesACLockApi) {
  write("yarn.c",
        "typedef struct lock_s lock;\n"
        "void possess(lock *);\nvoid release(lock *);\nvoid wait_for(lock *, int, long);\n"
        "lock *outer, *inner;\n"
        "void f(void) { possess(outer); possess(inner); release(inner); release(outer); }\n"
        "void g(void) { possess(inner); wait_for(inner, 0, 1); possess(outer); release(outer); "
        "release(inner); }\n");
  write("yarn.json",
        R"({"functions": [{"name": "possess", "lock": 0}, {"name": "release", "unlock": 0},
                          {"name": "wait_for", "wait": 0}, {"name": "twist", "unlock": 0}]})");
  EXPECT_EQ(run("yarn.c --").status, 0) << "no configuration: no lock API";
  Result r = run("--config=yarn.json yarn.c --");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("lock-order cycle: 'inner' -> 'outer' -> 'inner'"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("'twist' matched nothing"), std::string::npos) << r.err;
  write("bad.json", R"({"functions": [{"name": "possess", "lock": 0, "unlock": 0}]})");
  EXPECT_EQ(run("--config=bad.json yarn.c --").status, 2);
}

TEST_F(Cli, BadConfigurationIsExitTwo) {
  write_cycle();
  write("config.json", R"({"mutexes": [{"type": "X", "lok": ["Acquire"]}]})");
  Result r = run("--config=config.json cycle.cc -- -std=c++20");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown key \"lok\""), std::string::npos) << r.err;
}

TEST_F(Cli, ParallelAnalysisGivesTheSameFindings) {
  for (int i = 0; i < 4; ++i) write_cycle("cycle" + std::to_string(i) + ".cc");
  const std::string files = "cycle0.cc cycle1.cc cycle2.cc cycle3.cc -- -std=c++20";
  Result one = run("-j 1 " + files), two = run("-j 2 " + files);
  EXPECT_EQ(one.status, two.status);
  EXPECT_EQ(one.out, two.out);
}

}  // namespace
