// The per-function analysis's state (function_flow.cc): what is held at a point of a
// function, the try-locks not yet tested, the guards' bindings, what the path knows of its
// conditions, and how the states of two paths join.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "flow_results.h"
#include "ir.h"

namespace lockorder::analyzer::flow {

// A lock re-entered more often than this is counted as this often: loops that lock without
// unlocking must still reach a fixpoint.
constexpr int kMaxCount = 8;

// States kept apart per block by what they know of the function's tested conditions (facts);
// past this many, the block's states are joined into one and stay joined.
constexpr std::size_t kMaxVariants = 8;

struct HeldLock {
  LockOperand operand;
  Mode mode = Mode::exclusive;
  Path path;
  int slot = -1;                 // the guard that owns it, or -1
  std::optional<LockRef> owner;  // the object whose constructor took it (a user's RAII guard)
  int count = 1;
  bool definite = true;  // held on every path that reaches here
  bool suppressed = false;
  // Taken back after this function released its caller's hold on it (`unlock(); ...; lock();`
  // in a helper called with the lock held): the caller's hold restored, not a hold of its own.
  bool restores = false;

  bool same_holding(const HeldLock& other) const {
    return operand.lock == other.operand.lock && slot == other.slot && owner == other.owner;
  }
  bool operator==(const HeldLock& other) const {
    return same_holding(other) && mode == other.mode && count == other.count &&
           definite == other.definite && restores == other.restores;
  }
};

struct PendingTry {
  int try_id = -1;
  int slot = -1;
  std::vector<LockOperand> operands;
  Mode mode = Mode::exclusive;
  Path path;  // where it is taken
  bool suppressed = false;
  bool on_success = true;  // held on the branch where the attempt succeeded, or where it failed
  bool operator==(const PendingTry& other) const {
    return try_id == other.try_id && operands.size() == other.operands.size() &&
           std::equal(operands.begin(), operands.end(), other.operands.begin(),
                      [](const LockOperand& a, const LockOperand& b) { return a.lock == b.lock; });
  }
};

// The fact that says what the function returned on this path (true: zero), kept apart from the
// conditions' facts (BranchConditions numbers those from 0).
constexpr int kReturnFact = std::numeric_limits<int>::max();

struct Binding {
  std::vector<LockOperand> operands;
  Mode mode = Mode::exclusive;
  bool scoped = false;
};

struct Detached {
  LockRef lock;
  int slot = -1;
  std::optional<LockRef> owner;
  bool operator==(const Detached& other) const = default;
};

struct FlowState {
  bool reached = false;
  std::vector<HeldLock> held;  // in acquisition order
  std::vector<PendingTry> pending;
  std::map<int, Binding> slots;
  std::vector<LockRef> released_entry;  // sorted: locks held at entry, released since
  // Sorted: locks held at entry that some path here released and has not taken back; what the
  // function releases for its caller if it returns now.
  std::vector<LockRef> unrestored;
  std::vector<std::pair<int, bool>> facts;  // sorted: conditions known on every path here
  // Locks a guard or a user's RAII object held and that were released by hand (`mu.unlock()`,
  // an unlock guard): taken back, they are that holder's again, so it releases them at its end
  // and paths that did and did not cycle them join as one hold.
  std::vector<Detached> detached;

  bool operator==(const FlowState& other) const {
    if (reached != other.reached || held != other.held || pending != other.pending ||
        released_entry != other.released_entry || unrestored != other.unrestored ||
        facts != other.facts || detached != other.detached || slots.size() != other.slots.size())
      return false;
    for (auto a = slots.begin(), b = other.slots.begin(); a != slots.end(); ++a, ++b)
      if (a->first != b->first) return false;
    return true;
  }
};

// Joins the state of another path into `into`: held on both paths stays held (definite only if
// definite on both), held on one becomes maybe held, facts are those both paths know.
void join_into(FlowState& into, const FlowState& from);

// Whether a constant parameter value passes a branch's test.
bool holds(const ParameterTest& test, std::int64_t value);

}  // namespace lockorder::analyzer::flow
