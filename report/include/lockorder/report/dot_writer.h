// Renders a GraphPicture as a Graphviz DOT digraph: one node per lock (or lock class), one arc
// per edge "held -> acquired". Locks and edges of reported cycles are red and bold; edges that
// close an unreported (gated or read-read) cycle are dashed. `dot -Tsvg` turns it into a picture.
#pragma once

#include <string>

#include "lockorder/report/report.h"

namespace lockorder::report {

std::string render_dot(const GraphPicture& graph,
                       const std::string& title = "lock-order graph (held -> acquired)");

}  // namespace lockorder::report
