// Renders Reports as one SARIF 2.1.0 log with one run (for CI and code scanning).
//
// Each report becomes a result: ruleId = its kind, message.text = summary and cycle, the first
// acquisition site as the primary location, and one codeFlow per edge whose thread flow lists
// the two acquisition stacks. The run's tool.driver lists a rule per kind that occurs.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "lockorder/report/report.h"

namespace lockorder::report {

struct SarifTool {
  std::string name;     // "lockorder-runtime" or "lockorder-check"
  std::string version;  // the project version
};

std::string render_sarif(const SarifTool& tool, const std::vector<Report>& reports);

// Writes `contents` to `path` whole or not at all: a temporary file beside it renamed into place,
// never through a symbolic link. Returns an empty string on success, else a clear error message.
std::string write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace lockorder::report
