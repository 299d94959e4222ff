#include "baseline.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace lockorder::analyzer {

std::string fingerprint(const report::Report& r) {
  std::vector<std::string> locks;
  for (const report::Lock& l : r.locks)
    locks.push_back(l.lock_class.empty() ? l.label : l.lock_class);
  std::sort(locks.begin(), locks.end());
  std::string print = r.kind + ":";
  for (std::size_t i = 0; i < locks.size(); ++i) print += (i ? "," : "") + locks[i];
  if (r.kind == report::kDoubleLock && !r.sites.empty()) print += "@" + r.sites.front().thread;
  return print;
}

std::set<std::string> read_baseline(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::set<std::string> prints;
  try {
    const nlohmann::json root = nlohmann::json::parse(in);
    for (const nlohmann::json& finding : root.at("findings"))
      prints.insert(finding.at("fingerprint").get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not a lockorder baseline: " + e.what());
  }
  return prints;
}

std::string render_baseline(const std::vector<report::Report>& reports) {
  nlohmann::json findings = nlohmann::json::array();
  for (const report::Report& r : reports)
    findings.push_back({{"rule", r.kind}, {"fingerprint", fingerprint(r)}, {"message", r.summary}});
  nlohmann::json root = {{"tool", "lockorder-check"}, {"version", 1}, {"findings", findings}};
  return root.dump(2) + "\n";
}

}  // namespace lockorder::analyzer
