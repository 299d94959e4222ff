// RawReport: a finding as the runtime records it under its internal lock (program counters, no
// symbols). The reporter turns it into a report::Report outside that lock.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lockorder/internal/lock_meta.h"
#include "reporting/stack_trace.h"

namespace lockorder::internal {

// One acquisition site. Either `stack` as captured, or, when outer_pc != 0, the site of an outer
// lock taken at outer_pc (a HeldLock's), rebuilt from what was recorded when it was taken (its
// caller and the caller's CFA, or else `site_stack`) and the later `stack` (see
// derive_outer_stack).
struct RawSite {
  RawStack stack;
  std::uintptr_t outer_pc = 0;
  std::uintptr_t outer_caller = 0;
  std::uintptr_t outer_caller_cfa = 0;
  RawStack site_stack;
};

// The site of an acquisition (or a release) as captured.
inline RawSite captured_site(RawStack stack) {
  RawSite site;
  site.stack = std::move(stack);
  return site;
}

struct RawLock {
  std::string label;
  std::string lock_class;
  std::string kind;
  const char* file = nullptr;
  unsigned line = 0;
  const char* function = nullptr;
  int rank = 0;
  std::uint32_t created_stack = LockMeta::kNoCreationStack;  // when there is no file
};

struct RawEdge {
  std::size_t from = 0;
  std::size_t to = 0;
  std::string thread;
  std::string from_mode;
  std::string to_mode;
  RawSite from_site;
  RawSite to_site;
};

struct RawNamedSite {
  std::string title;  // e.g. "first acquired at"
  std::string thread;
  RawSite site;
  std::string subject;  // empty: the report's first lock
};

struct RawReport {
  const char* kind = "";
  std::string summary;
  std::vector<RawLock> locks;
  std::vector<std::size_t> cycle;
  std::vector<RawEdge> edges;
  std::vector<RawNamedSite> sites;
  std::string hint;
};

}  // namespace lockorder::internal
