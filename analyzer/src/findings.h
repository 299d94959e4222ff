// From the program's edges to findings: the static lock-order graph over lock classes, its
// cycles, double-locks and declared-order violations, each rendered as a report::Report (the
// model the runtime's reports use too) with every acquisition path. Cycles are reported by
// strongly connected component, one finding each (its locks are one decision): the shortest
// cycle through each of its edges (its inverted pairs), how many cycles it has in all, and which
// edges, fixed, break them all.
//
// Rules (DESIGN.md principle 4): an edge whose every occurrence is suppressed is not in the
// graph; a cycle whose edges all share one gate lock is not a deadlock; a cycle in which every
// acquisition is shared (read) is reported only on request; edges between two instances of one
// lock class (`a.mu` while holding `b.mu`) are not ordered here (the runtime sees instances):
// they are the opt-in rule instance-order, and calls into unseen code under a lock the opt-in
// rule callback-under-lock.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lockorder/report/graph_file.h"
#include "lockorder/report/report.h"
#include "program_analysis.h"

namespace lockorder::analyzer {

struct FindingOptions {
  bool read_read_cycles = false;
  // A component's elementary cycles are counted up to this many (its findings say how many).
  std::size_t max_cycles = 10000;
};

struct Findings {
  std::vector<report::Report> reports;  // cycles, double-locks, hierarchy violations, then the
                                        // opt-in rules' findings (filtered by the caller)
  report::GraphPicture graph;           // the static lock-order graph, for DOT
  // The same graph for lockorder-report (origin "static"): a lock per class, an edge per
  // acquisition path, with the gates held around it.
  report::GraphFile graph_file;
  std::vector<std::string> notes;
};

Findings find_problems(const ProgramFacts& facts, const FindingOptions& options);

// The location a finding is reported at (its first edge's acquisition in the function that
// holds the outer lock; for a call into unseen code, that call), for diagnostics and baselines.
const report::Frame* primary_frame(const report::Report& report);

// A lock's name as messages show it: 'Account::mu_'.
inline std::string quoted(const std::string& name) { return "'" + name + "'"; }

}  // namespace lockorder::analyzer
