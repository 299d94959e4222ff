#include "lockorder/report/sarif_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "lockorder/report/text_writer.h"

namespace lockorder::report {
namespace {

using nlohmann::json;

const std::map<std::string, std::string>& rule_descriptions() {
  static const std::map<std::string, std::string> rules = {
      {kLockOrderInversion,
       "Locks are acquired in orders that form a cycle: a potential deadlock."},
      {kLockOrderCycle, "Locks are acquired in orders that form a cycle: a potential deadlock."},
      {kDeadlock, "Threads are blocked on each other's locks in a cycle: a deadlock."},
      {kDoubleLock, "A non-recursive lock is acquired again by the thread that holds it."},
      {kUnlockOfUnheldLock, "A lock is released by a thread that does not hold it."},
      {kDestroyOfHeldLock, "A lock is destroyed while it is held."},
      {kLockHierarchy, "Locks are acquired against their declared order (ranks or ordered_lock)."},
  };
  return rules;
}

std::string uri_for(const std::string& file) {
  return file.starts_with('/') ? "file://" + file : file;
}

json location(const Frame& frame, const std::string& message = {}) {
  json loc = json::object();
  if (!frame.file.empty()) {
    json region = {{"startLine", frame.line > 0 ? frame.line : 1}};
    if (frame.column > 0) region["startColumn"] = frame.column;
    loc["physicalLocation"] = {{"artifactLocation", {{"uri", uri_for(frame.file)}}},
                               {"region", region}};
  }
  if (!frame.function.empty())
    loc["logicalLocations"] =
        json::array({{{"fullyQualifiedName", frame.function}, {"kind", "function"}}});
  if (!message.empty()) loc["message"] = {{"text", message}};
  return loc;
}

json thread_flow(const Stack& stack, const std::string& what, int nesting) {
  json locations = json::array();
  for (std::size_t i = 0; i < stack.size(); ++i) {
    json entry = {{"location", location(stack[i], i == 0 ? what : std::string{})},
                  {"nestingLevel", nesting}};
    locations.push_back(entry);
  }
  return locations;
}

json result_for(const Report& report, int rule_index) {
  std::string text = report.summary;
  if (!report.cycle.empty()) text += ": " + cycle_text(report);
  if (!report.hint.empty()) text += ". " + report.hint;
  json result = {{"ruleId", report.kind},
                 {"ruleIndex", rule_index},
                 {"level", report.kind == std::string(kDeadlock) ? "error" : "warning"},
                 {"message", {{"text", text}}}};
  // Primary location: the acquisition that closed the cycle (the last edge), else the first site.
  const Frame* primary = nullptr;
  if (!report.edges.empty()) primary = user_frame(report.edges.back().to_site);
  if (primary == nullptr && !report.sites.empty()) primary = user_frame(report.sites.back().stack);
  result["locations"] =
      json::array({primary ? location(*primary) : location(report.locks.front().created)});

  json flows = json::array();
  for (std::size_t i = 0; i < report.edges.size(); ++i) {
    const Edge& edge = report.edges[i];
    const std::string& from = report.locks[edge.from].label;
    const std::string& to = report.locks[edge.to].label;
    json locations = thread_flow(edge.from_site, from + " acquired", 0);
    json inner = thread_flow(edge.to_site, to + " acquired while holding " + from, 1);
    locations.insert(locations.end(), inner.begin(), inner.end());
    json thread = {{"locations", locations}};
    if (!edge.thread.empty()) thread["id"] = edge.thread;
    flows.push_back({{"message",
                      {{"text", "Edge " + std::to_string(i + 1) + ": " + to +
                                    " acquired while holding " + from}}},
                     {"threadFlows", json::array({thread})}});
  }
  for (const Site& site : report.sites) {
    json thread = {{"locations", thread_flow(site.stack, site.title, 0)}};
    if (!site.thread.empty()) thread["id"] = site.thread;
    flows.push_back({{"message", {{"text", site_heading(report, site)}}},
                     {"threadFlows", json::array({thread})}});
  }
  if (!flows.empty()) result["codeFlows"] = flows;

  json related = json::array();
  int id = 1;
  for (const Lock& lock : report.locks) {
    if (lock.created.file.empty()) continue;
    json loc = location(lock.created, lock.label + " created here");
    loc["id"] = id++;
    related.push_back(loc);
  }
  if (!related.empty()) result["relatedLocations"] = related;
  return result;
}

}  // namespace

std::string render_sarif(const SarifTool& tool, const std::vector<Report>& reports) {
  std::vector<std::string> rule_ids;
  for (const Report& r : reports)
    if (std::find(rule_ids.begin(), rule_ids.end(), r.kind) == rule_ids.end())
      rule_ids.push_back(r.kind);
  json rules = json::array();
  for (const std::string& id : rule_ids) {
    auto it = rule_descriptions().find(id);
    rules.push_back(
        {{"id", id},
         {"shortDescription", {{"text", it == rule_descriptions().end() ? id : it->second}}}});
  }
  json results = json::array();
  for (const Report& r : reports) {
    auto index = std::find(rule_ids.begin(), rule_ids.end(), r.kind) - rule_ids.begin();
    results.push_back(result_for(r, static_cast<int>(index)));
  }
  json log = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       json::array(
           {{{"tool",
              {{"driver", {{"name", tool.name}, {"version", tool.version}, {"rules", rules}}}}},
             {"results", results}}})}};
  return log.dump(2) + "\n";
}

std::string write_file_atomically(const std::string& path, const std::string& contents) {
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    return "refusing to write '" + path + "': it is a symbolic link";
  std::string temp = path + ".tmp.XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) return "cannot write '" + path + "': " + std::strerror(errno);
  const char* data = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string error = "cannot write '" + path + "': " + std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return error;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  fchmod(fd, 0644);
  if (::close(fd) != 0 || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::string error = "cannot write '" + path + "': " + std::strerror(errno);
    ::unlink(temp.c_str());
    return error;
  }
  return {};
}

std::string merge_sarif_results(const std::string& target,
                                const std::vector<std::pair<std::string, std::string>>& sources) {
  auto read = [](const std::string& path, json& out) -> std::string {
    std::ifstream in(path);
    if (!in) return "cannot read '" + path + "'";
    try {
      out = json::parse(in);
      out.at("runs").at(0).at("results");
    } catch (const json::exception& e) {
      return "'" + path + "' is not a SARIF log: " + e.what();
    }
    return {};
  };
  json merged;
  bool have_target = read(target, merged).empty();
  std::string errors;  // a source that cannot be read is said, and the others still merged
  for (const auto& [path, process] : sources) {
    json log;
    if (std::string error = read(path, log); !error.empty()) {
      errors += (errors.empty() ? "" : "; ") + error;
      continue;
    }
    json& run = log["runs"][0];
    for (json& result : run["results"]) result["properties"]["lockorder/process"] = process;
    if (!have_target) {
      merged = std::move(log);
      have_target = true;
      continue;
    }
    json& into = merged["runs"][0];
    for (json& result : run["results"]) into["results"].push_back(std::move(result));
    json& rules = into["tool"]["driver"]["rules"];
    for (json& rule : run["tool"]["driver"]["rules"]) {
      const bool known = std::any_of(rules.begin(), rules.end(),
                                     [&rule](const json& r) { return r["id"] == rule["id"]; });
      if (!known) rules.push_back(std::move(rule));
    }
  }
  if (!have_target) return errors;
  const std::string written = write_file_atomically(target, merged.dump(2) + "\n");
  return written.empty() ? errors : written + (errors.empty() ? "" : "; " + errors);
}

}  // namespace lockorder::report
