// The rule filter (--checks) and clang-tidy's NOLINT comments, on plain text.
#include "suppressions.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace lockorder::analyzer {
namespace {

TEST(Globs, MatchWholeNamesWithStars) {
  EXPECT_TRUE(glob_matches("lockorder-*", "lockorder-double-lock"));
  EXPECT_TRUE(glob_matches("*", "anything"));
  EXPECT_TRUE(glob_matches("lockorder-*-lock", "lockorder-double-lock"));
  EXPECT_FALSE(glob_matches("lockorder-double", "lockorder-double-lock"));
  EXPECT_FALSE(glob_matches("bugprone-*", "lockorder-double-lock"));
}

TEST(RuleFilter, EveryRuleByDefaultAndTheLastGlobDecides) {
  EXPECT_TRUE(RuleFilter("").enabled("lockorder-double-lock"));
  const RuleFilter only("-*,lockorder-double-lock");
  EXPECT_TRUE(only.enabled("lockorder-double-lock"));
  EXPECT_FALSE(only.enabled("lockorder-lock-order-inversion"));
  const RuleFilter without("-lockorder-lock-hierarchy");
  EXPECT_FALSE(without.enabled("lockorder-lock-hierarchy"));
  EXPECT_TRUE(without.enabled("lockorder-lock-order-inversion"));
  EXPECT_THROW(RuleFilter("-"), std::invalid_argument);
  EXPECT_EQ(RuleFilter("lockorder-double-locks").unmatched({"lockorder-double-lock"}),
            std::vector<std::string>{"lockorder-double-locks"});
}

TEST(RuleFilter, ARuleIsStillNamedByItsFormerId) {
  const RuleFilter without("-lockorder-lock-order-cycle");
  EXPECT_FALSE(without.enabled("lockorder-lock-order-inversion"));
  EXPECT_TRUE(without.enabled("lockorder-double-lock"));
  EXPECT_TRUE(without.unmatched({"lockorder-lock-order-inversion"}).empty());
}

class Nolint : public testing::Test {
 protected:
  std::string source(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("nolint-" + std::to_string(getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name() + ".cc");
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
  NolintComments nolint_;
};

TEST_F(Nolint, OnTheLineForTheRulesItNames) {
  const std::string file = source(
      "a.lock();  // NOLINT\n"
      "a.lock();  // NOLINT(lockorder-double-lock)\n"
      "a.lock();  // NOLINT(bugprone-*, lockorder-*)\n"
      "a.lock();  // NOLINT(lockorder-lock-order-cycle)\n"
      "a.lock();  // NOLINT()\n");
  EXPECT_TRUE(nolint_.suppressed(file, 1, "lockorder-double-lock"));
  EXPECT_TRUE(nolint_.suppressed(file, 2, "lockorder-double-lock"));
  EXPECT_TRUE(nolint_.suppressed(file, 3, "lockorder-double-lock"));
  EXPECT_FALSE(nolint_.suppressed(file, 4, "lockorder-double-lock"));
  EXPECT_FALSE(nolint_.suppressed(file, 5, "lockorder-double-lock"));
  // lock-order-cycle is lock-order-inversion's former id: comments written with it still work.
  EXPECT_TRUE(nolint_.suppressed(file, 4, "lockorder-lock-order-inversion"));
}

TEST_F(Nolint, NextLineAndRanges) {
  const std::string file = source(
      "// NOLINTNEXTLINE(lockorder-double-lock)\n"
      "a.lock();\n"
      "a.lock();\n"
      "// NOLINTBEGIN(lockorder-*)\n"
      "a.lock();\n"
      "// NOLINTEND(lockorder-*)\n"
      "a.lock();\n");
  EXPECT_FALSE(nolint_.suppressed(file, 1, "lockorder-double-lock"));
  EXPECT_TRUE(nolint_.suppressed(file, 2, "lockorder-double-lock"));
  EXPECT_FALSE(nolint_.suppressed(file, 3, "lockorder-double-lock"));
  EXPECT_TRUE(nolint_.suppressed(file, 5, "lockorder-lock-order-inversion"));
  EXPECT_FALSE(nolint_.suppressed(file, 7, "lockorder-lock-order-inversion"));
  EXPECT_FALSE(nolint_.suppressed("/no/such/file.cc", 1, "lockorder-double-lock"));
}

}  // namespace
}  // namespace lockorder::analyzer
