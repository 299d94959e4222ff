#include "reporting/stack_trace.h"

#include <unwind.h>

namespace lockorder::internal {
namespace {

struct Walk {
  std::uintptr_t entry_cfa;
  int max_depth;
  bool reached_entry = false;
  RawStack* out;
};

// libgcc reports each frame as its pc and its stack pointer at that pc, which is the CFA of the
// function it is calling: so the frame whose "CFA" is the entry point's own CFA is the entry
// point's caller, the first frame outside lockorder.
_Unwind_Reason_Code visit_frame(_Unwind_Context* context, void* arg) {
  Walk& walk = *static_cast<Walk*>(arg);
  auto cfa = static_cast<std::uintptr_t>(_Unwind_GetCFA(context));
  auto pc = static_cast<std::uintptr_t>(_Unwind_GetIP(context));
  if (!walk.reached_entry) {
    if (cfa != walk.entry_cfa) return _URC_NO_REASON;
    walk.reached_entry = true;
  }
  if (pc == 0 || static_cast<int>(walk.out->pcs.size()) >= walk.max_depth) return _URC_END_OF_STACK;
  walk.out->pcs.push_back(pc);
  walk.out->callee_cfas.push_back(cfa);
  return _URC_NO_REASON;
}

}  // namespace

RawStack capture_stack(std::uintptr_t entry_cfa, int max_depth) {
  RawStack stack;
  stack.pcs.reserve(static_cast<std::size_t>(max_depth));
  stack.callee_cfas.reserve(static_cast<std::size_t>(max_depth));
  Walk walk{entry_cfa, max_depth, false, &stack};
  _Unwind_Backtrace(visit_frame, &walk);
  return stack;
}

[[gnu::no_sanitize_address]] bool stack_is_current(const RawStack& stack, std::uintptr_t cfa,
                                                   std::uintptr_t stack_top) {
  if (stack.pcs.empty() || stack.callee_cfas.front() != cfa) return false;
  for (std::size_t i = 0; i < stack.pcs.size(); ++i) {
    const std::uintptr_t slot = stack.callee_cfas[i] - sizeof(std::uintptr_t);
    if (stack.callee_cfas[i] < cfa || stack.callee_cfas[i] > stack_top) return false;
    if (*reinterpret_cast<const std::uintptr_t*>(slot) != stack.pcs[i]) return false;
  }
  return true;
}

StackDepot::StackId StackDepot::intern(RawStack stack) {
  std::uint64_t hash = 1469598103934665603ull;
  for (std::size_t i = 0; i < stack.pcs.size(); ++i) {
    hash = (hash ^ stack.pcs[i]) * 1099511628211ull;
    hash = (hash ^ stack.callee_cfas[i]) * 1099511628211ull;
  }
  auto [first, last] = by_hash_.equal_range(hash);
  for (auto it = first; it != last; ++it)
    if (stacks_[it->second] == stack) return it->second;
  auto id = static_cast<StackId>(stacks_.size());
  bytes_ += sizeof(RawStack) + 2 * stack.pcs.size() * sizeof(std::uintptr_t) + 48;
  stacks_.push_back(std::move(stack));
  by_hash_.emplace(hash, id);
  return id;
}

}  // namespace lockorder::internal
