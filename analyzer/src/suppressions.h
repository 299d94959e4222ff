// Which findings a team has turned off, in clang-tidy's own terms, for every rule:
//   - RuleFilter: --checks=, a comma-separated list of globs over rule names
//     ("lockorder-double-lock"), each optionally prefixed with '-' to remove what it matches; the
//     last glob that matches a rule decides.
//   - NolintComments: NOLINT / NOLINT(rules) on a finding's line, NOLINTNEXTLINE(rules) on the
//     line before, and NOLINTBEGIN(rules) ... NOLINTEND(rules) around it. Without a list a
//     comment covers every rule; a list is globs, as for --checks.
// Plain text over the sources: no Clang here. Not thread-safe (the tool asks from one thread).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lockorder::analyzer {

// Whether `glob` (with '*' for any run of characters) matches all of `text`.
bool glob_matches(std::string_view glob, std::string_view text);

class RuleFilter {
 public:
  // Every rule ("lockorder-*") but the `opt_in` ones is on unless `checks` removes it; an
  // opt-in rule is on when a glob of `checks` adds it (`*`, `lockorder-*` or its name). Throws
  // std::invalid_argument for an empty glob ("-" alone).
  explicit RuleFilter(std::string_view checks, const std::vector<std::string>& opt_in = {});
  bool enabled(std::string_view rule) const;
  // The globs that add rules but match none of `rules` (a typo a user should hear about).
  std::vector<std::string> unmatched(const std::vector<std::string>& rules) const;

 private:
  struct Glob {
    std::string pattern;
    bool add = true;
  };
  std::vector<Glob> globs_;
  std::size_t defaults_ = 0;  // the first globs: the defaults, not the user's
};

class NolintComments {
 public:
  // Whether a NOLINT comment of `file` suppresses `rule` at `line` (1-based). The file is read
  // once; one that cannot be read suppresses nothing.
  bool suppressed(const std::string& file, int line, std::string_view rule);

 private:
  // For each line (index 0 is line 1): the rule lists that cover it; an empty list covers all.
  using Coverage = std::vector<std::vector<std::vector<std::string>>>;
  const Coverage& coverage(const std::string& file);

  std::map<std::string, Coverage> files_;
};

}  // namespace lockorder::analyzer
