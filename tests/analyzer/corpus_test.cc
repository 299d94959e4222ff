// Runs lockorder-check over one case of the labelled corpus (tests/analyzer/corpus/) and compares
// its findings with the case's labels:
//   // expect: RULE[, RULE...]   a warning of that rule is reported at this line
//   // on-path                   this line appears in the notes (an acquisition path shown)
//   // options: ARGS             run the checker with these further options (opt-in rules)
// A case is one .cc file, or a directory whose .cc files form one program (cross-TU cases).
// Usage: corpus_test --checker=PATH --case=PATH --include=DIR [--include=DIR...]
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string checker, case_path;
std::vector<std::string> include_dirs;

struct Finding {
  std::string file;
  int line;
  std::string rule;
  auto operator<=>(const Finding&) const = default;
};

void PrintTo(const Finding& f, std::ostream* os) {
  *os << f.file << ":" << f.line << " " << f.rule;
}

std::string name_of(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

std::vector<std::string> sources() {
  std::vector<std::string> files;
  if (std::filesystem::is_directory(case_path)) {
    for (const auto& entry : std::filesystem::directory_iterator(case_path))
      if (entry.path().extension() == ".cc") files.push_back(entry.path().string());
  } else {
    files.push_back(case_path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Labels from every file of the case (headers included).
void read_labels(std::set<Finding>& expected, std::set<std::pair<std::string, int>>& on_path) {
  std::vector<std::string> files;
  if (std::filesystem::is_directory(case_path)) {
    for (const auto& entry : std::filesystem::directory_iterator(case_path))
      files.push_back(entry.path().string());
  } else {
    files.push_back(case_path);
  }
  const std::regex expect(R"(//.*expect: ([a-z, -]+))");
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
      std::smatch m;
      if (std::regex_search(text, m, expect)) {
        std::stringstream rules(m[1].str());
        for (std::string rule; std::getline(rules, rule, ',');) {
          rule.erase(0, rule.find_first_not_of(' '));
          rule.erase(rule.find_last_not_of(' ') + 1);
          expected.insert({name_of(file), line, rule});
        }
      }
      if (text.find("// on-path") != std::string::npos) on_path.insert({name_of(file), line});
    }
  }
}

struct CheckerRun {
  std::string output;
  int status;
};

// The `// options:` of the case's files.
std::string options() {
  std::string out;
  const std::regex label(R"(//\s*options: (.*)$)");
  for (const std::string& file : sources()) {
    std::ifstream in(file);
    for (std::string text; std::getline(in, text);) {
      std::smatch m;
      if (std::regex_search(text, m, label)) out += " " + m[1].str();
    }
  }
  return out;
}

CheckerRun run_checker() {
  std::string command = checker + " --quiet" + options();
  for (const std::string& file : sources()) command += " '" + file + "'";
  command += " -- -std=c++20";
  for (const std::string& dir : include_dirs) command += " -I'" + dir + "'";
  command += " 2>&1";
  CheckerRun run{"", -1};
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    run.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(Corpus, FindingsMatchTheLabels) {
  std::set<Finding> expected;
  std::set<std::pair<std::string, int>> on_path;
  read_labels(expected, on_path);
  const CheckerRun run = run_checker();
  SCOPED_TRACE("lockorder-check output:\n" + run.output);

  std::set<Finding> found;
  std::set<std::pair<std::string, int>> noted;
  const std::regex warning(R"(^(.*):(\d+):\d+: warning: .*\[lockorder-([a-z-]+)\]$)");
  const std::regex note(R"(^(.*):(\d+):\d+: note: )");
  std::stringstream lines(run.output);
  for (std::string text; std::getline(lines, text);) {
    std::smatch m;
    if (std::regex_search(text, m, warning)) {
      found.insert({name_of(m[1].str()), std::stoi(m[2].str()), m[3].str()});
      noted.insert({name_of(m[1].str()), std::stoi(m[2].str())});
    } else if (std::regex_search(text, m, note)) {
      noted.insert({name_of(m[1].str()), std::stoi(m[2].str())});
    }
  }
  EXPECT_EQ(found, expected);
  for (const auto& [file, line] : on_path)
    EXPECT_TRUE(noted.count({file, line})) << file << ":" << line << " is not on a path shown";
  EXPECT_EQ(run.status, expected.empty() ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--checker=")) checker = arg.substr(10);
    if (arg.starts_with("--case=")) case_path = arg.substr(7);
    if (arg.starts_with("--include=")) include_dirs.push_back(arg.substr(10));
  }
  if (checker.empty() || case_path.empty()) {
    std::fprintf(
        stderr, "usage: corpus_test --checker=PATH --case=PATH --include=DIR [--include=DIR...]\n");
    return 2;
  }
  return RUN_ALL_TESTS();
}
