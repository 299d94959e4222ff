// Turns program counters into frames (function, file:line), inlined calls expanded, using
// elfutils' libdw. Used only when a report is printed; never on the locking path.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockorder/report/report.h"
#include "stack_trace.h"

struct Dwfl;

namespace lockorder::internal {

class Symbolizer {
 public:
  Symbolizer();  // reads the process's current mappings
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // Each pc is a return address (or the address after a call); its call site is looked up.
  report::Stack symbolize(const std::vector<std::uintptr_t>& pcs);
  // The symbol of the (physical) function containing the call before `pc`; empty if unknown.
  std::string function_symbol(std::uintptr_t pc);

 private:
  void append_frames(std::uintptr_t pc, report::Stack& out);
  Dwfl* dwfl_ = nullptr;
  std::unordered_map<std::uintptr_t, report::Stack> frames_of_pc_;  // a report repeats pcs
};

// The stack of an outer lock, rebuilt from where it was taken (`pc`, and the CFA of the runtime
// entry it called) and the stack captured later, when an inner lock was taken under it. When the
// frame that took the outer lock is still on that later stack, the result is that lock's exact
// acquisition stack. Otherwise it is `site_stack` (captured the first time the thread acquired a
// lock at `pc`: the same site, perhaps reached through other callers), or only `pc`; `note`
// says which.
std::vector<std::uintptr_t> derive_outer_stack(Symbolizer& symbolizer, std::uintptr_t pc,
                                               std::uintptr_t cfa, const RawStack& later,
                                               const RawStack& site_stack, std::string& note);

}  // namespace lockorder::internal
