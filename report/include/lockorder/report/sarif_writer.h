// Renders Reports as one SARIF 2.1.0 log with one run (for CI and code scanning).
//
// Each report becomes a result: ruleId = its kind, message.text = summary and cycle, the first
// acquisition site as the primary location, one codeFlow per edge whose thread flow lists the
// two acquisition stacks, and partialFingerprints["lockorderEdges/v1"] from its edges (held
// lock, acquired lock, acquiring function; addresses left out), so that code scanning follows a
// finding across runs and a fix that removes an edge changes it. The run's tool.driver lists a
// rule per kind that occurs, with a friendly name, help text and help URI.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lockorder/report/report.h"

namespace lockorder::report {

struct SarifTool {
  std::string name;     // "lockorder-runtime" or "lockorder-check"
  std::string version;  // the project version
  // Files under this directory get URIs relative to it (uriBaseId SRCROOT, which the run's
  // originalUriBaseIds resolves), as code scanning wants; empty: absolute file URIs.
  std::string source_root = {};
  // Where the documentation is (a URI ending in '/'): the driver's informationUri and each
  // rule's helpUri point into it; empty: neither is given.
  std::string docs_uri = {};
};

std::string render_sarif(const SarifTool& tool, const std::vector<Report>& reports);

// Adds the results of the SARIF logs `sources` (each tagged with the name given beside it, in
// the result's properties as "lockorder/process") to the first run of the log at `target`,
// rewritten atomically; a missing target starts from the first source. The rules of every run
// are kept. Returns an empty string on success, else a clear error message (a source that
// cannot be read is named, and the others are still merged).
std::string merge_sarif_results(const std::string& target,
                                const std::vector<std::pair<std::string, std::string>>& sources);

// Writes `contents` to `path` whole or not at all: a temporary file beside it renamed into place,
// never through a symbolic link. Returns an empty string on success, else a clear error message.
std::string write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace lockorder::report
