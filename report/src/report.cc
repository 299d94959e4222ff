#include "lockorder/report/report.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>

namespace lockorder::report {
namespace {

// A lock as it is the same lock in another run: its label without addresses.
std::string stable_label(const std::string& label) {
  std::string out;
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (label.compare(i, 2, "0x") == 0) {
      out += "0x";
      for (i += 2; i < label.size() && std::isxdigit(static_cast<unsigned char>(label[i])); ++i) {
      }
      --i;
      continue;
    }
    out += label[i];
  }
  return out;
}

}  // namespace

std::string fingerprint(const Report& report) {
  std::vector<std::string> edges;
  for (const Edge& edge : report.edges) {
    const Frame* at = user_frame(edge.to_site);
    edges.push_back(stable_label(report.locks[edge.from].label) + "->" +
                    stable_label(report.locks[edge.to].label) + "@" + (at ? at->function : ""));
  }
  for (const Site& site : report.sites) {
    const Frame* at = user_frame(site.stack);
    edges.push_back(site.title + "@" + (at ? at->function : ""));
  }
  for (const Lock& lock : report.locks) edges.push_back(stable_label(lock.label));
  std::sort(edges.begin(), edges.end());
  std::uint64_t hash = 0xCBF29CE484222325ull;
  auto mix = [&hash](const std::string& text) {
    for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001B3ull;
    hash = (hash ^ 0xFF) * 0x100000001B3ull;
  };
  mix(report.kind);
  for (const std::string& edge : edges) mix(edge);
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

bool is_library_frame(const Frame& frame) {
  const std::string& f = frame.file;
  return f.empty() || f.starts_with("/usr/include/") || f.starts_with("/usr/lib/") ||
         f.starts_with("../sysdeps/") || f.starts_with("../csu/");
}

const Frame* user_frame(const Stack& stack) {
  for (const Frame& frame : stack)
    if (!is_library_frame(frame)) return &frame;
  return nullptr;
}

std::string site_heading(const Report& report, const Site& site) {
  const std::string& subject =
      site.subject.empty() && !report.locks.empty() ? report.locks.front().label : site.subject;
  return subject.empty() ? site.title : subject + " " + site.title;
}

namespace {
bool is_life(const Lock& lock) { return lock.kind == "thread"; }
std::string with_mode(const Lock& lock, const std::string& mode) {
  return mode == "shared" ? lock.label + " (shared)" : lock.label;
}
}  // namespace

std::string edge_heading(const Report& report, const Edge& edge) {
  const Lock& from = report.locks.at(edge.from);
  const Lock& to = report.locks.at(edge.to);
  if (is_life(to)) return to.label + " joined while holding " + with_mode(from, edge.from_mode);
  if (is_life(from)) return with_mode(to, edge.to_mode) + " acquired in " + from.label;
  return with_mode(to, edge.to_mode) + " acquired while holding " + with_mode(from, edge.from_mode);
}

std::string edge_end_heading(const Report& report, const Edge& edge, bool outer) {
  const Lock& lock = report.locks.at(outer ? edge.from : edge.to);
  if (is_life(lock)) return lock.label + (outer ? " started" : " joined");
  return lock.label + " acquired";
}

std::string cycle_text(const Report& report) {
  std::string text;
  for (std::size_t index : report.cycle) text += report.locks[index].label + " -> ";
  if (!report.cycle.empty()) text += report.locks[report.cycle.front()].label;
  return text;
}

}  // namespace lockorder::report
