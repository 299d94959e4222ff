// Capturing acquisition stacks (the slow path only) and keeping each distinct stack once.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

namespace lockorder::internal {

// A captured stack: return addresses from the innermost user frame outwards, and for each frame
// its stack pointer at that address, which is the canonical frame address (CFA) of the function
// it was calling. The CFAs let the runtime find,
// later, whether a frame is still the same activation (see derive_outer_stack in symbolizer.h).
struct RawStack {
  std::vector<std::uintptr_t> pcs;
  std::vector<std::uintptr_t> callee_cfas;
  bool operator==(const RawStack&) const = default;
};

// Captures the stack of the caller of the runtime entry point whose CFA is `entry_cfa`:
// frames inside lockorder itself are left out. At most `max_depth` frames.
RawStack capture_stack(std::uintptr_t entry_cfa, int max_depth);

// Whether the calling thread's stack, seen from the runtime entry point whose CFA is `cfa`, is
// exactly `stack`: every return address still sits where `stack` says it was pushed. Reading
// those stack words is cheap and never leaves [cfa, stack_top); an unwind costs microseconds.
bool stack_is_current(const RawStack& stack, std::uintptr_t cfa, std::uintptr_t stack_top);

// Hash-consing store: a stack seen again (the same call path) is stored once.
class StackDepot {
 public:
  using StackId = std::uint32_t;
  StackId intern(RawStack stack);
  const RawStack& get(StackId id) const { return stacks_[id]; }
  std::size_t size() const { return stacks_.size(); }
  std::size_t memory_bytes() const { return bytes_; }

 private:
  std::deque<RawStack> stacks_;
  std::unordered_multimap<std::uint64_t, StackId> by_hash_;
  std::size_t bytes_ = 0;
};

}  // namespace lockorder::internal
