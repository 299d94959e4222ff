// Turns program counters into frames (function, file:line), inlined calls expanded, using
// elfutils' libdw. Used only when a report is printed; never on the locking path.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockorder/report/report.h"
#include "reporting/raw_report.h"
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

// The stack of an outer lock (site.outer_pc != 0), rebuilt from what was recorded when it was
// taken and site.stack, captured later (when an inner lock was taken under it). Its first two
// frames are exact: the acquisition, and the return address of the function that made it
// (recorded, or the second frame of site.site_stack, checked when it was taken). If that caller is
// still running in the later stack, the result is exact; otherwise the frames beyond the caller
// are site.site_stack's (as first seen at that site) or unknown, and `note` says so.
std::vector<std::uintptr_t> derive_outer_stack(Symbolizer& symbolizer, const RawSite& site,
                                               std::string& note);

}  // namespace lockorder::internal
