// Parses and lowers translation units in worker processes, N at a time.
//
// Each unit gets a process of its own: Clang's per-unit memory goes back to the system at exit
// instead of being freed piece by piece, the workers share no allocator, and a crash inside Clang
// on one file costs that file, not the run. A worker sends back its unit's IR (ir_codec.h) and
// Clang's diagnostics through a pipe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir.h"

namespace lockorder::analyzer {

struct UnitOutcome {
  TranslationUnitIR unit;
  bool parsed = false;
  std::string messages;  // Clang's diagnostics, and ours when the worker failed
};

// `lower_one(file, unit, messages)` runs in the worker and returns whether the file parsed.
// `on_done(index, outcome)` runs in the caller as each unit finishes, in completion order.
std::vector<UnitOutcome> lower_in_workers(
    const std::vector<std::string>& files, unsigned workers,
    const std::function<bool(const std::string&, TranslationUnitIR&, std::string&)>& lower_one,
    const std::function<void(std::size_t, const UnitOutcome&)>& on_done);

}  // namespace lockorder::analyzer
