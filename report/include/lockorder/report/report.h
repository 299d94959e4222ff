// The report model shared by every part of lockorder (runtime, analyzer, watchdog).
//
// A Report is one finding, already explained: the locks it involves, the cycle (if any) in
// order, and every edge with where each of its two locks was taken. It is plain data: the
// runtime fills the stacks from symbolized program counters, the analyzer from call chains.
// Writers turn it into text (text_writer.h), SARIF 2.1.0 (sarif_writer.h) and DOT (dot_writer.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockorder::report {

// Report kinds, as they appear in text ("WARNING: lockorder: KIND") and SARIF rule ids.
inline constexpr const char* kLockOrderInversion = "lock-order-inversion";
// lockorder-check's earlier id for kLockOrderInversion: a rule named by it (lockorder-check's
// --checks and NOLINT, a baseline written with it) still means kLockOrderInversion.
inline constexpr const char* kLockOrderCycleAlias = "lock-order-cycle";
inline constexpr const char* kDeadlock = "deadlock";
inline constexpr const char* kDoubleLock = "double-lock";
inline constexpr const char* kUnlockOfUnheldLock = "unlock-of-unheld-lock";
inline constexpr const char* kDestroyOfHeldLock = "destroy-of-held-lock";
inline constexpr const char* kLockHierarchy = "lock-hierarchy";
// A join made while holding a lock that the joined thread takes: a potential deadlock.
inline constexpr const char* kJoinUnderLock = "join-under-lock";
// lockorder-check's opt-in rules: two instances of one lock class taken together with no
// canonical order; a call into code the analysis cannot see made while holding a lock.
inline constexpr const char* kInstanceOrder = "instance-order";
inline constexpr const char* kCallbackUnderLock = "callback-under-lock";
// lockorder-report's, with lockorder-check's graph: an edge the runtime took in code the static
// checker analysed, which the checker did not see (a note, not a defect).
inline constexpr const char* kStaticGap = "static-gap";

// The other ids `rule` is still known by (kLockOrderCycleAlias for kLockOrderInversion).
inline std::vector<std::string> rule_aliases(const std::string& rule) {
  if (rule == kLockOrderInversion) return {kLockOrderCycleAlias};
  return {};
}

struct Frame {
  std::string function;  // demangled; empty when unknown
  std::string file;      // empty when unknown
  int line = 0;
  int column = 0;
  std::uintptr_t pc = 0;  // 0 for frames that are not program counters (analyzer call chains)
  std::string module;     // the binary or library, when file is unknown

  bool operator==(const Frame&) const = default;
};
using Stack = std::vector<Frame>;

struct Lock {
  std::string label;       // how the report names the lock: its name, or "mutex M3"
  std::string lock_class;  // empty when the lock is its own class
  std::string kind;        // "mutex", "recursive_mutex", ...
  Frame created;           // creation site (file, line, function); may be empty
  int rank = 0;
  std::string variable;  // the global or static variable that is the lock, when known
};

struct Edge {
  std::size_t from = 0;   // index into Report::locks: the lock already held
  std::size_t to = 0;     // index into Report::locks: the lock being acquired
  std::string thread;     // the thread that first took this order, e.g. "T2 'worker'"
  std::string from_mode;  // "exclusive" or "shared" (empty for the analyzer)
  std::string to_mode;
  Stack from_site;   // where `from` was acquired
  Stack to_site;     // where `to` was acquired while `from` was held
  std::string note;  // e.g. "the outer frames of this acquisition had returned"
};

// A place that matters to a report but is not an edge: where a lock was first taken by the
// thread that takes it again, where an unheld lock was released, what a blocked thread waits on.
struct Site {
  std::string title;    // e.g. "first acquired at"
  std::string subject;  // what the title is about; empty: the report's first lock
  std::string thread;
  Stack stack;
  std::string note;
};

struct Report {
  std::string kind;     // one of the k* constants above
  std::string summary;  // one line, e.g. "potential deadlock: 2 locks in a cycle"
  std::vector<Lock> locks;
  std::vector<std::size_t> cycle;  // lock indices in cycle order; empty if no cycle
  std::vector<Edge> edges;
  std::vector<Site> sites;
  std::string hint;  // how to fix or suppress it
  // Labels for tools (SARIF properties.tags): lockorder-report's "confirmed", "static-only",
  // "runtime-only".
  std::vector<std::string> tags;
};

// A picture of a whole lock-order graph, for the DOT writer.
struct GraphPicture {
  struct Node {
    std::string label;
    bool in_cycle = false;
  };
  struct Arc {
    std::size_t from = 0;
    std::size_t to = 0;
    bool in_cycle = false;    // part of a reported cycle
    bool suppressed = false;  // closes a cycle that is not reported (gated, read-read)
  };
  std::vector<Node> nodes;
  std::vector<Arc> arcs;
};

// Frames of the C and C++ libraries' own headers and sources (std::lock_guard, libc start-up):
// true when the frame is not where a user would fix anything.
bool is_library_frame(const Frame& frame);
// A finding's identity across runs, for code scanning (SARIF partialFingerprints) and baselines:
// its rule and its edges, each as held lock, acquired lock and the function that acquired it,
// with addresses left out of lock names. Removing an edge changes it; moving code within a
// function, or a run of the same program with other addresses, does not. 16 hex digits.
std::string fingerprint(const Report& report);
// The frame a finding points at: the first frame of `stack` outside the libraries, if any.
const Frame* user_frame(const Stack& stack);

// "M1 first acquired at": a site's subject and title.
std::string site_heading(const Report& report, const Site& site);
// An edge in words: "y_lock acquired while holding x_lock". A thread's life (a lock of kind
// "thread", in a join-under-lock) is joined, not acquired, and what the thread takes under its
// life alone is taken "in" it: "thread T2 joined while holding x_lock", "x_lock acquired in
// thread T2".
std::string edge_heading(const Report& report, const Edge& edge);
// What happened at an end of an edge (`outer`: its held lock): "x_lock acquired", "thread T2
// started", "thread T2 joined".
std::string edge_end_heading(const Report& report, const Edge& edge, bool outer);
// "x_lock -> y_lock -> x_lock": the cycle of a report, by lock labels.
std::string cycle_text(const Report& report);

}  // namespace lockorder::report
