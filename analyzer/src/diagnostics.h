// Findings as Clang-style diagnostics, for people and for editors that read compiler output:
//
//   a.cc:12:5: warning: lock-order cycle: 'A::mu' -> 'B::mu' -> 'A::mu' (potential deadlock)
//   [lockorder-lock-order-inversion]
//   a.cc:12:5: note: 'B::mu' acquired while 'A::mu' is held, through a call to B::poke
//   b.cc:30:3: note: B::poke acquires 'B::mu' here
//   a.cc:10:3: note: 'A::mu' acquired here
//   ...
//
// One warning per finding, then a note for every step of every acquisition path.
#pragma once

#include <string>
#include <vector>

#include "lockorder/report/report.h"

namespace lockorder::analyzer {

std::string render_diagnostics(const std::vector<report::Report>& reports);

}  // namespace lockorder::analyzer
