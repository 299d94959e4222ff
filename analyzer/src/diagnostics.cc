#include "diagnostics.h"

#include "findings.h"

namespace lockorder::analyzer {
namespace {

std::string position(const report::Frame& f) {
  if (f.file.empty()) return "<unknown>: ";
  return f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + ": ";
}

// A call chain (stack, innermost first) told from the outside in: the first line says what
// happens at the outermost frame, the last where the lock is finally taken.
void chain(std::string& out, const report::Stack& stack, const std::string& lock,
           const std::string& first_line) {
  if (stack.empty()) return;
  const std::size_t n = stack.size();
  if (n == 1) {
    out += position(stack[0]) + "note: " + first_line + "\n";
    return;
  }
  out += position(stack[n - 1]) + "note: " + first_line + ", through a call to " +
         stack[n - 2].function + "\n";
  for (std::size_t i = n - 1; i-- > 1;)
    out += position(stack[i]) + "note: " + stack[i].function + " calls " + stack[i - 1].function +
           "\n";
  out +=
      position(stack[0]) + "note: " + stack[0].function + " acquires " + quoted(lock) + " here\n";
}

}  // namespace

std::string render_diagnostics(const std::vector<report::Report>& reports) {
  std::string out;
  for (const report::Report& r : reports) {
    const report::Frame* at = primary_frame(r);
    out += (at ? position(*at) : std::string()) + "warning: " + r.summary + " [lockorder-" +
           r.kind + "]\n";
    for (const report::Edge& e : r.edges) {
      const std::string& from = r.locks[e.from].label;
      const std::string& to = r.locks[e.to].label;
      chain(out, e.to_site, to,
            quoted(to) + " acquired while " + quoted(from) + " is held, in " + e.thread);
      chain(out, e.from_site, from, quoted(from) + " acquired here");
    }
    for (const report::Site& s : r.sites) {
      const std::string subject = !s.subject.empty() ? s.subject
                                  : r.locks.empty()  ? std::string()
                                                     : r.locks.front().label;
      chain(out, s.stack, subject, quoted(subject) + " " + s.title);
    }
    if (!r.hint.empty() && at != nullptr) out += position(*at) + "note: " + r.hint + "\n";
  }
  return out;
}

}  // namespace lockorder::analyzer
