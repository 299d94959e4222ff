#include "lockorder/report/report.h"

namespace lockorder::report {

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

std::string cycle_text(const Report& report) {
  std::string text;
  for (std::size_t index : report.cycle) text += report.locks[index].label + " -> ";
  if (!report.cycle.empty()) text += report.locks[report.cycle.front()].label;
  return text;
}

}  // namespace lockorder::report
