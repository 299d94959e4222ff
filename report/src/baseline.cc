#include "lockorder/report/baseline.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace lockorder::report {
namespace {

// The first format's key: the rule and the lock classes (and a double-lock's thread).
std::string lock_classes_key(const report::Report& r) {
  std::vector<std::string> locks;
  for (const report::Lock& l : r.locks)
    locks.push_back(l.lock_class.empty() ? l.label : l.lock_class);
  std::sort(locks.begin(), locks.end());
  std::string print = r.kind + ":";
  for (std::size_t i = 0; i < locks.size(); ++i) print += (i ? "," : "") + locks[i];
  if (r.kind == report::kDoubleLock && !r.sites.empty()) print += "@" + r.sites.front().thread;
  return print;
}

}  // namespace

std::string baseline_key(const report::Report& report, int version) {
  return version == 1 ? lock_classes_key(report) : report::fingerprint(report);
}

std::vector<std::string> baseline_keys(const report::Report& report, int version) {
  std::vector<std::string> keys{baseline_key(report, version)};
  report::Report earlier = report;
  for (const std::string& alias : report::rule_aliases(report.kind)) {
    earlier.kind = alias;
    keys.push_back(baseline_key(earlier, version));
  }
  return keys;
}

Baseline read_baseline(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  Baseline baseline;
  try {
    const nlohmann::json root = nlohmann::json::parse(in);
    baseline.version = root.at("version").get<int>();
    if (baseline.version != 1 && baseline.version != 2)
      throw std::runtime_error(path + ": a baseline of version " +
                               std::to_string(baseline.version) +
                               ", this version of lockorder reads versions 1 and 2");
    for (const nlohmann::json& finding : root.at("findings"))
      baseline.findings.emplace(finding.at("fingerprint").get<std::string>(),
                                finding.value("message", std::string()));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not a lockorder baseline: " + e.what());
  }
  return baseline;
}

std::string render_baseline(const std::string& tool, const std::vector<report::Report>& reports) {
  nlohmann::json findings = nlohmann::json::array();
  for (const report::Report& r : reports)
    findings.push_back(
        {{"rule", r.kind}, {"fingerprint", baseline_key(r, 2)}, {"message", r.summary}});
  nlohmann::json root = {{"tool", tool}, {"version", 2}, {"findings", findings}};
  return root.dump(2) + "\n";
}

BaselineComparison compare_with_baseline(std::vector<report::Report> reports,
                                         const Baseline& baseline) {
  BaselineComparison out;
  out.fixed = baseline.findings;  // until found again
  for (report::Report& r : reports) {
    bool found = false;
    for (const std::string& key : baseline_keys(r, baseline.version))
      if (baseline.findings.count(key)) {
        found = true;
        out.fixed.erase(key);
      }
    if (found)
      ++out.known;
    else
      out.new_reports.push_back(std::move(r));
  }
  return out;
}

}  // namespace lockorder::report
