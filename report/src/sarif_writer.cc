#include "lockorder/report/sarif_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "lockorder/report/text_writer.h"

namespace lockorder::report {
namespace {

using nlohmann::json;

// What a SARIF consumer shows of each rule: a friendly name, a description, what to do, and the
// page of the documentation that explains it.
struct Rule {
  const char* name;
  const char* description;
  const char* help;
  const char* page;  // a page of the documentation, with its anchor
};

const std::map<std::string, Rule>& rules() {
  static const std::map<std::string, Rule> known = {
      {kLockOrderInversion,
       {"LockOrderInversion",
        "Locks are acquired in orders that form a cycle: a potential deadlock.",
        "Take the locks in one order everywhere, or release the held lock before taking the other.",
        "runtime.md#what-is-checked-precisely"}},
      {kDeadlock,
       {"Deadlock",
        "Threads are blocked in a cycle (on each other's locks, joins, semaphores, latches, "
        "futures): a deadlock.",
        "Take the locks in one global order, or take them together (std::scoped_lock).",
        "runtime.md#live-wait-for-graph-and-deadlock-victims"}},
      {kDoubleLock,
       {"DoubleLock", "A non-recursive lock is acquired again by the thread that holds it.",
        "Release the lock before taking it again, or use a recursive mutex if re-entry is meant.",
        "runtime.md#what-is-checked-precisely"}},
      {kUnlockOfUnheldLock,
       {"UnlockOfUnheldLock", "A lock is released by a thread that does not hold it.",
        "Release a lock on the thread that took it, once per acquisition.",
        "runtime.md#what-is-checked-precisely"}},
      {kDestroyOfHeldLock,
       {"DestroyOfHeldLock", "A lock is destroyed while it is held.",
        "Release the lock before destroying it (or the object that owns it).",
        "runtime.md#what-is-checked-precisely"}},
      {kJoinUnderLock,
       {"JoinUnderLock",
        "A thread is joined while a lock that the joined thread takes is held: a potential "
        "deadlock.",
        "Release the lock before the join, or let the joined thread finish without it.",
        "runtime.md#waits-beyond-locks"}},
      {kLockHierarchy,
       {"LockHierarchy", "Locks are acquired against their declared order (ranks or ordered_lock).",
        "Acquire locks in their declared order, or release the held lock first.",
        "runtime.md#naming-classes-and-ranks"}},
      {kInstanceOrder,
       {"InstanceOrder",
        "Two locks of one class are acquired together with no canonical order between them.",
        "Take them in a fixed order (by address or id) or together (std::scoped_lock).",
        "lockorder-check.md#opt-in-rules"}},
      {kCallbackUnderLock,
       {"CallbackUnderLock",
        "A call into code the analysis cannot see (a function pointer, std::function, a virtual "
        "call with no overrider in the program) is made while a lock is held.",
        "Release the lock before calling out, or make sure the callee takes no lock.",
        "lockorder-check.md#opt-in-rules"}},
      {kStaticGap,
       {"StaticGap",
        "An edge taken at run time, in code lockorder-check analysed, that lockorder-check did "
        "not see: a call it could not follow (a callback, a function pointer, a virtual call).",
        "Nothing to fix in the program; the static checker's findings may miss cycles through "
        "this edge (the runtime's do not).",
        "lockorder-report.md#static-and-runtime-together"}},
  };
  return known;
}

// Turns the frames of reports into SARIF locations: a file under the source root by a URI
// relative to it (uriBaseId SRCROOT, resolved by the run's originalUriBaseIds), any other by an
// absolute file URI.
class Locations {
 public:
  explicit Locations(std::string root) : root_(std::move(root)) {
    if (!root_.empty() && root_.back() != '/') root_ += '/';
  }

  json artifact(const std::string& file) const {
    if (!root_.empty() && file.starts_with(root_))
      return {{"uri", percent_encoded(file.substr(root_.size()))}, {"uriBaseId", "SRCROOT"}};
    if (!root_.empty() && !file.starts_with('/'))
      return {{"uri", percent_encoded(file)}, {"uriBaseId", "SRCROOT"}};
    return {{"uri", file.starts_with('/') ? "file://" + percent_encoded(file) : file}};
  }

  json location(const Frame& frame, const std::string& message = {}) const {
    json loc = json::object();
    if (!frame.file.empty()) {
      json region = {{"startLine", frame.line > 0 ? frame.line : 1}};
      if (frame.column > 0) region["startColumn"] = frame.column;
      loc["physicalLocation"] = {{"artifactLocation", artifact(frame.file)}, {"region", region}};
    }
    if (!frame.function.empty())
      loc["logicalLocations"] =
          json::array({{{"fullyQualifiedName", frame.function}, {"kind", "function"}}});
    if (!message.empty()) loc["message"] = {{"text", message}};
    return loc;
  }

  json thread_flow(const Stack& stack, const std::string& what, int nesting) const {
    json locations = json::array();
    for (std::size_t i = 0; i < stack.size(); ++i)
      locations.push_back({{"location", location(stack[i], i == 0 ? what : std::string{})},
                           {"nestingLevel", nesting}});
    return locations;
  }

  json base_ids() const {
    if (root_.empty()) return nullptr;
    return {{"SRCROOT", {{"uri", "file://" + percent_encoded(root_)}}}};
  }

 private:
  static std::string percent_encoded(const std::string& path) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : path) {
      if (std::isalnum(c) || std::strchr("/-._~", c) != nullptr) {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  std::string root_;
};

json result_for(const Report& report, int rule_index, const Locations& where) {
  std::string text = report.summary;
  if (!report.cycle.empty()) text += ": " + cycle_text(report);
  if (!report.hint.empty()) text += ". " + report.hint;
  json result = {{"ruleId", report.kind},
                 {"ruleIndex", rule_index},
                 {"level", report.kind == std::string(kDeadlock)    ? "error"
                           : report.kind == std::string(kStaticGap) ? "note"
                                                                    : "warning"},
                 {"message", {{"text", text}}},
                 {"partialFingerprints", {{"lockorderEdges/v1", fingerprint(report)}}}};
  // Primary location: the acquisition that closed the cycle (the last edge), else the first site.
  const Frame* primary = nullptr;
  if (!report.edges.empty()) primary = user_frame(report.edges.back().to_site);
  if (primary == nullptr && !report.sites.empty()) primary = user_frame(report.sites.back().stack);
  result["locations"] = json::array(
      {primary ? where.location(*primary) : where.location(report.locks.front().created)});

  json flows = json::array();
  for (std::size_t i = 0; i < report.edges.size(); ++i) {
    const Edge& edge = report.edges[i];
    const std::string heading = edge_heading(report, edge);
    json locations = where.thread_flow(edge.from_site, edge_end_heading(report, edge, true), 0);
    json inner = where.thread_flow(edge.to_site, heading, 1);
    locations.insert(locations.end(), inner.begin(), inner.end());
    json thread = {{"locations", locations}};
    if (!edge.thread.empty()) thread["id"] = edge.thread;
    flows.push_back({{"message", {{"text", "Edge " + std::to_string(i + 1) + ": " + heading}}},
                     {"threadFlows", json::array({thread})}});
  }
  for (const Site& site : report.sites) {
    json thread = {{"locations", where.thread_flow(site.stack, site.title, 0)}};
    if (!site.thread.empty()) thread["id"] = site.thread;
    flows.push_back({{"message", {{"text", site_heading(report, site)}}},
                     {"threadFlows", json::array({thread})}});
  }
  if (!flows.empty()) result["codeFlows"] = flows;

  json related = json::array();
  int id = 1;
  for (const Lock& lock : report.locks) {
    if (lock.created.file.empty()) continue;
    json loc = where.location(lock.created, lock.label + " created here");
    loc["id"] = id++;
    related.push_back(loc);
  }
  if (!related.empty()) result["relatedLocations"] = related;
  if (!report.tags.empty()) result["properties"]["tags"] = report.tags;
  return result;
}

}  // namespace

std::string render_sarif(const SarifTool& tool, const std::vector<Report>& reports) {
  const Locations where(tool.source_root);
  std::vector<std::string> rule_ids;
  for (const Report& r : reports)
    if (std::find(rule_ids.begin(), rule_ids.end(), r.kind) == rule_ids.end())
      rule_ids.push_back(r.kind);
  json rule_list = json::array();
  for (const std::string& id : rule_ids) {
    json rule = {{"id", id}};
    if (auto it = rules().find(id); it != rules().end()) {
      const Rule& known = it->second;
      rule["name"] = known.name;
      rule["shortDescription"] = {{"text", known.description}};
      rule["help"] = {{"text", std::string(known.description) + " " + known.help}};
      if (!tool.docs_uri.empty()) rule["helpUri"] = tool.docs_uri + known.page;
    } else {
      rule["shortDescription"] = {{"text", id}};
    }
    rule_list.push_back(std::move(rule));
  }
  json results = json::array();
  for (const Report& r : reports) {
    auto index = std::find(rule_ids.begin(), rule_ids.end(), r.kind) - rule_ids.begin();
    results.push_back(result_for(r, static_cast<int>(index), where));
  }
  json driver = {{"name", tool.name}, {"version", tool.version}, {"rules", rule_list}};
  if (!tool.docs_uri.empty()) driver["informationUri"] = tool.docs_uri + "README.md";
  json run = {{"tool", {{"driver", driver}}}, {"results", results}};
  if (json bases = where.base_ids(); !bases.is_null()) run["originalUriBaseIds"] = bases;
  json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({run})}};
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
