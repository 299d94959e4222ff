// The whole-program step: merges every translation unit's functions (one definition per USR),
// resolves calls (virtual calls to every overrider found), and computes function summaries
// callees-first, revisiting callers until nothing changes (recursion included).
//
// Edges carry their gates: the locks held exclusively before the outer lock in the function that
// holds it, plus the function's entry gates, the locks every known caller holds around every
// call to it (so a gate taken by the callers of a helper still counts).
#pragma once

#include <string>
#include <vector>

#include "flow_results.h"
#include "ir.h"

namespace lockorder::analyzer {

struct ProgramFacts {
  std::vector<EdgeOccurrence> edges;
  std::vector<DoubleLockOccurrence> double_locks;
  std::vector<InstancePairOccurrence> instance_pairs;
  std::vector<UnknownCallOccurrence> unknown_calls;
  std::vector<DeclaredOrder> orders;
  std::size_t functions = 0;       // distinct definitions analysed
  std::vector<std::string> notes;  // limits that were reached, for the user
};

// The facts point into `units` (their call chains are the IR's sites): keep the units alive
// while the facts are used.
ProgramFacts analyse_program(const std::vector<TranslationUnitIR>& units);
// analyse_program for a process that exits right after the analysis (lockorder-check): the
// summaries and per-function results behind the facts are left to the process's exit instead of
// being freed piece by piece, which costs a tenth of a warm run's instructions.
ProgramFacts analyse_program_then_exit(const std::vector<TranslationUnitIR>& units);

}  // namespace lockorder::analyzer
