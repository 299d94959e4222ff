#include "lockorder/report/text_writer.h"

#include <sstream>

namespace lockorder::report {
namespace {

void render_stack(std::ostringstream& out, const Stack& stack, const char* indent) {
  if (stack.empty()) out << indent << "(no stack)\n";
  for (std::size_t i = 0; i < stack.size(); ++i)
    out << indent << '#' << i << ' ' << render_frame(stack[i]) << '\n';
}

std::string where(const Frame& frame) {
  if (frame.file.empty()) return {};
  std::string text = frame.file + ":" + std::to_string(frame.line);
  if (!frame.function.empty()) text += " in " + frame.function;
  return text;
}

}  // namespace

std::string render_frame(const Frame& frame) {
  std::ostringstream out;
  out << (frame.function.empty() ? "<unknown>" : frame.function);
  if (!frame.file.empty()) {
    out << ' ' << frame.file << ':' << frame.line;
    if (frame.column > 0) out << ':' << frame.column;
  } else if (!frame.module.empty()) {
    out << " (" << frame.module << ')';
  }
  return out.str();
}

std::string render_text(const Report& report) {
  std::ostringstream out;
  out << "WARNING: lockorder: " << report.kind << " (" << report.summary << ")\n";
  if (!report.cycle.empty()) out << "  Cycle: " << cycle_text(report) << "\n";
  for (std::size_t i = 0; i < report.edges.size(); ++i) {
    const Edge& edge = report.edges[i];
    out << "\n  Edge " << i + 1 << " of " << report.edges.size() << ": "
        << edge_heading(report, edge);
    if (!edge.thread.empty()) out << ", by thread " << edge.thread;
    out << ":\n    " << edge_end_heading(report, edge, true) << " at:\n";
    render_stack(out, edge.from_site, "      ");
    if (!edge.note.empty()) out << "      (" << edge.note << ")\n";
    out << "    " << edge_end_heading(report, edge, false) << " at:\n";
    render_stack(out, edge.to_site, "      ");
  }
  for (const Site& site : report.sites) {
    out << "\n  " << site_heading(report, site);
    if (!site.thread.empty()) out << " by thread " << site.thread;
    out << ":\n";
    render_stack(out, site.stack, "      ");
    if (!site.note.empty()) out << "      (" << site.note << ")\n";
  }
  out << "\n  Locks:\n";
  for (const Lock& lock : report.locks) {
    out << "    " << lock.label << ": " << (lock.kind.empty() ? "lock" : lock.kind);
    if (!lock.lock_class.empty()) out << " of class " << lock.lock_class;
    if (lock.rank != 0) out << ", rank " << lock.rank;
    if (std::string site = where(lock.created); !site.empty()) out << ", created at " << site;
    out << '\n';
  }
  if (!report.hint.empty()) out << "\n  Hint: " << report.hint << "\n";
  out << "SUMMARY: lockorder: " << report.kind << ' '
      << (report.cycle.empty() ? report.locks.front().label : cycle_text(report)) << '\n';
  return out.str();
}

}  // namespace lockorder::report
