#include "suppressions.h"

#include "lockorder/report/report.h"

#include <fstream>
#include <stdexcept>

namespace lockorder::analyzer {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_globs(std::string_view list) {
  std::vector<std::string> globs;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) globs.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return globs;
}

// One NOLINT comment: its kind and the rule list in its parentheses (empty: every rule).
struct Marker {
  enum Kind { same_line, next_line, begin, end } kind;
  std::vector<std::string> rules;
};

std::vector<Marker> markers_in(std::string_view line) {
  std::vector<Marker> found;
  for (std::size_t at = line.find("NOLINT"); at != std::string_view::npos;
       at = line.find("NOLINT", at + 1)) {
    std::string_view rest = line.substr(at + 6);
    Marker marker{Marker::same_line, {}};
    for (auto [word, kind] : {std::pair{std::string_view("NEXTLINE"), Marker::next_line},
                              std::pair{std::string_view("BEGIN"), Marker::begin},
                              std::pair{std::string_view("END"), Marker::end}}) {
      if (rest.starts_with(word)) {
        marker.kind = kind;
        rest.remove_prefix(word.size());
        break;
      }
    }
    if (rest.starts_with("(")) {
      const std::size_t close = rest.find(')');
      if (close == std::string_view::npos) continue;  // not a complete comment: ignored
      marker.rules = split_globs(rest.substr(1, close - 1));
      if (marker.rules.empty()) continue;  // NOLINT(): covers nothing
    }
    found.push_back(std::move(marker));
  }
  return found;
}

// Whether `glob` names `rule` ("lockorder-KIND") by its id or by one of its former ids
// (report::rule_aliases): a filter or a comment written for the old id keeps working.
bool names_rule(std::string_view glob, std::string_view rule) {
  if (glob_matches(glob, rule)) return true;
  constexpr std::string_view kPrefix = "lockorder-";
  if (!rule.starts_with(kPrefix)) return false;
  for (const std::string& alias : report::rule_aliases(std::string(rule.substr(kPrefix.size()))))
    if (glob_matches(glob, std::string(kPrefix) + alias)) return true;
  return false;
}

bool covers(const std::vector<std::string>& rules, std::string_view rule) {
  if (rules.empty()) return true;
  for (const std::string& glob : rules)
    if (names_rule(glob, rule)) return true;
  return false;
}

}  // namespace

bool glob_matches(std::string_view glob, std::string_view text) {
  // Iterative wildcard match, backtracking to the last '*'.
  std::size_t g = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      resume = t;
    } else if (g < glob.size() && glob[g] == text[t]) {
      ++g;
      ++t;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

RuleFilter::RuleFilter(std::string_view checks, const std::vector<std::string>& opt_in) {
  globs_.push_back({"lockorder-*", true});
  for (const std::string& rule : opt_in) globs_.push_back({rule, false});
  defaults_ = globs_.size();
  for (std::string item : split_globs(checks)) {
    const bool add = item.front() != '-';
    if (!add) item.erase(0, 1);
    if (item.empty()) throw std::invalid_argument("--checks: an empty glob after '-'");
    globs_.push_back({item, add});
  }
}

bool RuleFilter::enabled(std::string_view rule) const {
  bool on = false;
  for (const Glob& glob : globs_)
    if (names_rule(glob.pattern, rule)) on = glob.add;
  return on;
}

std::vector<std::string> RuleFilter::unmatched(const std::vector<std::string>& rules) const {
  std::vector<std::string> out;
  for (std::size_t i = defaults_; i < globs_.size(); ++i) {
    bool any = false;
    for (const std::string& rule : rules) any = any || names_rule(globs_[i].pattern, rule);
    if (!any) out.push_back((globs_[i].add ? "" : "-") + globs_[i].pattern);
  }
  return out;
}

const NolintComments::Coverage& NolintComments::coverage(const std::string& file) {
  if (auto it = files_.find(file); it != files_.end()) return it->second;
  Coverage lines;
  std::vector<std::vector<std::string>> open;  // NOLINTBEGIN lists not yet ended
  std::vector<std::vector<std::string>> next;  // NOLINTNEXTLINE lists for the coming line
  std::ifstream in(file);
  for (std::string text; std::getline(in, text);) {
    std::vector<std::vector<std::string>> here = open;
    here.insert(here.end(), next.begin(), next.end());
    next.clear();
    for (Marker& marker : markers_in(text)) {
      switch (marker.kind) {
        case Marker::same_line:
          here.push_back(std::move(marker.rules));
          break;
        case Marker::next_line:
          next.push_back(std::move(marker.rules));
          break;
        case Marker::begin:
          open.push_back(marker.rules);
          here.push_back(std::move(marker.rules));
          break;
        case Marker::end:
          for (auto it = open.rbegin(); it != open.rend(); ++it) {
            if (*it == marker.rules) {
              open.erase(std::next(it).base());
              break;
            }
          }
          break;
      }
    }
    lines.push_back(std::move(here));
  }
  return files_.emplace(file, std::move(lines)).first->second;
}

bool NolintComments::suppressed(const std::string& file, int line, std::string_view rule) {
  const Coverage& lines = coverage(file);
  if (line < 1 || static_cast<std::size_t>(line) > lines.size()) return false;
  for (const std::vector<std::string>& rules : lines[static_cast<std::size_t>(line) - 1])
    if (covers(rules, rule)) return true;
  return false;
}

}  // namespace lockorder::analyzer
