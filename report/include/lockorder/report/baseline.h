// Baselines: adopt lockorder-check or lockorder-report on an existing codebase and fail only on
// new findings.
//
//   lockorder-check -p build --write-baseline=lockorder-baseline.json   # once
//   lockorder-check -p build --baseline=lockorder-baseline.json         # in CI
//
// A finding is identified by its edges (report::fingerprint: held lock, acquired lock and the
// acquiring function of each; no line numbers), so that edits elsewhere do not turn a known
// finding into a new one, while removing the culprit edge does change it: the run then says the
// known finding was fixed and reports what remains as new. Baselines of the first format
// (fingerprints by lock classes only) are still read and matched as they were.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lockorder/report/report.h"

namespace lockorder::report {

struct Baseline {
  int version = 2;
  std::map<std::string, std::string> findings;  // fingerprint -> the finding's message
};

// Throws std::runtime_error with the file and the problem if it cannot be read or parsed.
Baseline read_baseline(const std::string& path);
// `tool`: the tool that wrote it ("lockorder-check", "lockorder-report").
std::string render_baseline(const std::string& tool, const std::vector<report::Report>& reports);
// The key of `report` in a baseline of `version`.
std::string baseline_key(const report::Report& report, int version);
// Every key `report` may have in a baseline of `version`: its key, then its keys under its rule's
// former ids (report::rule_aliases), which a baseline written before a rename holds.
std::vector<std::string> baseline_keys(const report::Report& report, int version);

// `reports` against `baseline`: those it does not hold (to report), how many it holds, and its
// findings that are not among them (fixed: fingerprint -> message).
struct BaselineComparison {
  std::vector<report::Report> new_reports;
  std::size_t known = 0;
  std::map<std::string, std::string> fixed;
};
BaselineComparison compare_with_baseline(std::vector<report::Report> reports,
                                         const Baseline& baseline);

}  // namespace lockorder::report
