#include "diagnostics.h"

#include "findings.h"

namespace lockorder::analyzer {
namespace {

std::string position(const report::Frame& f) {
  if (f.file.empty()) return "<unknown>: ";
  return f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + ": ";
}

// A call chain (stack, innermost first) told from the outside in: the first line says what
// happens at the outermost frame, the last what happens at the innermost (`last`, after the
// function's name: "acquires 'mu' here").
void chain(std::string& out, const report::Stack& stack, const std::string& first_line,
           const std::string& last) {
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
  out += position(stack[0]) + "note: " + stack[0].function + " " + last + "\n";
}

std::string acquires(const std::string& lock) { return "acquires " + quoted(lock) + " here"; }

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
      chain(out, e.to_site,
            quoted(to) + " acquired while " + quoted(from) + " is held, in " + e.thread +
                (e.note.empty() ? "" : " (" + e.note + ")"),
            acquires(to));
      chain(out, e.from_site, quoted(from) + " acquired here", acquires(from));
    }
    for (const report::Site& s : r.sites) {
      const std::string subject = !s.subject.empty() ? s.subject
                                  : r.locks.empty()  ? std::string()
                                                     : r.locks.front().label;
      // A site that is a call (callback-under-lock) ends in a call, not an acquisition.
      const bool call = s.title.starts_with("called");
      const std::string first = !call                 ? quoted(subject) + " " + s.title
                                : s.stack.size() == 1 ? "'" + s.subject + "' " + s.title
                                                      : "the chain of calls into it starts here";
      chain(out, s.stack, first,
            call ? "calls through '" + s.subject + "' here" : acquires(subject));
    }
    if (!r.hint.empty() && at != nullptr) out += position(*at) + "note: " + r.hint + "\n";
  }
  return out;
}

}  // namespace lockorder::analyzer
