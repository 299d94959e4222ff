// Baselines: adopt the checker on an existing codebase and fail only on new findings.
//
// A finding's fingerprint is its rule and the lock classes it involves (sorted), plus, for a
// double-lock, the function that re-takes the lock: line numbers are left out, so that edits
// elsewhere in a file do not turn a known finding into a "new" one.
//   lockorder-check -p build --write-baseline=lockorder-baseline.json   # once
//   lockorder-check -p build --baseline=lockorder-baseline.json         # in CI
#pragma once

#include <set>
#include <string>
#include <vector>

#include "lockorder/report/report.h"

namespace lockorder::analyzer {

std::string fingerprint(const report::Report& report);

// Throws std::runtime_error with the file and the problem if it cannot be read or parsed.
std::set<std::string> read_baseline(const std::string& path);
std::string render_baseline(const std::vector<report::Report>& reports);

}  // namespace lockorder::analyzer
