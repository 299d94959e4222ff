// The per-function analysis: which locks are held at each point of a function's control flow,
// and what follows from it.
//
// A forward dataflow over the function's IR blocks. The state is the list of held locks in
// acquisition order (each with where it was taken, the guard that owns it, and whether it is
// held on every path or only some), the try-locks whose outcome is not yet tested, and the
// guards' bindings. Paths join by union; a lock held on only some incoming paths is "maybe
// held": it still orders later acquisitions (some run takes both) but never makes a double-lock.
// Calls apply the callee's summary, specialised to the call's arguments. Once the states are
// stable, one more pass records the edges, double-locks, and the function's own summary.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "flow_results.h"
#include "ir.h"

namespace lockorder::analyzer {

struct ResolvedCallee {
  const std::string* usr;
  const FunctionSummary* summary;
};
// The definitions a call may reach (the callee and, for a virtual call, its overriders) that
// have a summary so far; empty for a function the program does not define.
using ResolveCall = std::function<std::vector<ResolvedCallee>(const CallTarget&)>;

// Per parameter of the function: the constant every path of this analysis assumes it has
// (a call that passes one), or nothing. Branches that test a parameter against a constant
// (Successor::only_if) are then decided.
using ParameterConstants = std::vector<std::optional<std::int64_t>>;

FunctionResult analyse_function(const FunctionIR& function, const ResolveCall& resolve,
                                const ParameterConstants& constants = {});

}  // namespace lockorder::analyzer
