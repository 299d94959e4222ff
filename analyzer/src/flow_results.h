// What the per-function analysis (function_flow.h) finds: a function's summary for its callers,
// and the lock-order edges and double-locks seen from inside it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ir.h"

namespace lockorder::analyzer {

// A call chain, outermost first: the site in the analysed function, then a site in each callee,
// ending where the lock is taken. The sites are the IR's own (Op::site): paths are copied and
// compared a great deal, pointers cheaply; the IR outlives every result that points into it.
using Path = std::vector<const Site*>;

// A lock a function may take, directly or through calls, in the function's own terms.
struct Acquisition {
  LockOperand operand;
  Mode mode = Mode::exclusive;
  Path path;
  // Locks held when the function was entered that it had released (on every path) before
  // taking this one: a caller holding one of them has no edge to this acquisition.
  std::vector<LockRef> released_first;
  bool suppressed = false;
  // In held_on_return: held on every return (false: on some returns only, as a conditional
  // enter() around a recursion counter: callers hold it maybe, which orders what follows but
  // never makes a double-lock).
  bool definite = true;
  // In held_on_return: held only when the function returns zero (`return 0;` with the lock
  // taken, other results without: extstore_write_request), or only when it returns non-zero
  // (a pointer to the lock, NULL when the try failed: item_trylock). A caller that tests the
  // result holds it on the matching branch only.
  ReturnValue held_when = ReturnValue::unknown;  // unknown: whatever it returns
};

struct FunctionSummary {
  std::vector<Acquisition> acquisitions;    // may take
  std::vector<Acquisition> held_on_return;  // takes and still holds on some or every return
  std::vector<LockRef> released;            // releases locks it did not take (unlock helpers)
  std::optional<LockRef> returns;           // the lock it returns a pointer or reference to
  // Calls into code the program does not show (an indirect call no function of the program
  // matches, a virtual call with no overrider defined), directly or through calls: where.
  struct UnknownCall {
    Path path;
    std::string callee;  // as written: "mod->eval", "callback"
    bool operator==(const UnknownCall&) const = default;
  };
  std::vector<UnknownCall> unknown_calls;

  bool operator==(const FunctionSummary& other) const;
};

// Edge from -> to: `to` acquired while `from` is held.
struct EdgeOccurrence {
  LockRef from;
  LockRef to;
  Mode from_mode = Mode::exclusive;
  Mode to_mode = Mode::exclusive;
  Path from_path;
  Path to_path;
  std::vector<std::string> gates;  // lock classes held exclusively before `from`
  std::string function;            // where `from` is held
  bool suppressed = false;
  // `from` is held there on some paths only (taken in one branch, or returned held by a callee
  // on some of its paths): the edge is as likely as the analysis's view of those paths.
  bool from_maybe = false;
};

struct DoubleLockOccurrence {
  LockRef lock;
  Path first_path;   // where it is held
  Path second_path;  // where it is taken again
  std::string function;
  bool suppressed = false;
};

// Two locks of one class taken together (`to` acquired while `from` is held, by different
// paths) in a function that does not compare addresses to put them in order.
struct InstancePairOccurrence {
  LockRef from;
  LockRef to;
  Path from_path;
  Path to_path;
  std::string function;
  bool suppressed = false;
};

// A call into code the program does not show made while `held` (exclusive) is held.
struct UnknownCallOccurrence {
  LockRef held;
  Path held_path;
  Path call_path;  // to the call, through the calls that lead there
  std::string callee;
  std::string function;
  bool suppressed = false;
};

// A call from the function to a resolved callee, with the lock classes held exclusively there.
struct CallRecord {
  std::string callee_usr;
  std::vector<std::string> held_classes;
};

struct FunctionResult {
  FunctionSummary summary;
  std::vector<EdgeOccurrence> edges;
  std::vector<DoubleLockOccurrence> double_locks;
  std::vector<InstancePairOccurrence> instance_pairs;
  std::vector<UnknownCallOccurrence> unknown_calls;
  std::vector<CallRecord> calls;
};

// How many distinct call chains a summary keeps per (lock, mode, released_first); further ones
// reach the same lock and add nothing to what callers conclude (docs/lockorder-check.md).
inline constexpr std::size_t kMaxPathsPerLock = 2;

}  // namespace lockorder::analyzer
