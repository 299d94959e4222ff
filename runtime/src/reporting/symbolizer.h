// Turns program counters into frames (function, file:line), inlined calls expanded, using
// elfutils' libdw. Used only when a report is printed; never on the locking path.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockorder/report/report.h"
#include "reporting/stack_trace.h"

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
  // Whether `pc` lies in a module this symbolizer read (false for code mapped since).
  bool covers(std::uintptr_t pc);
  // The symbol of the (physical) function containing the call before `pc`; empty if unknown.
  std::string function_symbol(std::uintptr_t pc);
  // The (demangled) name of the global or static variable that contains `address`, with
  // "+offset" when it is inside it; empty for heap and stack addresses.
  std::string data_symbol(std::uintptr_t address);

 private:
  void append_frames(std::uintptr_t pc, report::Stack& out);
  Dwfl* dwfl_ = nullptr;
  std::unordered_map<std::uintptr_t, report::Stack> frames_of_pc_;  // a report repeats pcs
};

// The stack of an outer lock, taken at `pc` with `site_stack` recorded for it (exact in its first
// two frames: the acquisition and its caller), rebuilt with the stack captured later, when an
// inner lock was taken under it: if the caller is still running then, the result is exact;
// otherwise it is `site_stack` (beyond the caller, as first seen at that site), and `note` says
// so.
std::vector<std::uintptr_t> derive_outer_stack(Symbolizer& symbolizer, std::uintptr_t pc,
                                               const RawStack& later, const RawStack& site_stack,
                                               std::string& note);

}  // namespace lockorder::internal
