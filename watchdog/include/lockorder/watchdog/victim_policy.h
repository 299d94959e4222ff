// Which thread of a deadlock gives up its acquisition, so that the others can proceed.
//
// The policy, in order: never a worker marked critical, nor a thread the watchdog does not know
// (it may not expect lockorder::deadlock_victim); then the lowest priority; then the least work
// lost (the youngest work item); then the youngest worker. Pure: no clock, no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace lockorder::watchdog {

struct VictimCandidate {
  int priority = 0;              // higher is more important
  bool critical = false;         // never a victim
  std::int64_t item_age_ns = 0;  // time spent on the current work item: the work a retry loses
  std::int64_t started_ns = 0;   // when the worker started (larger is younger)
};

// `members` are a deadlock's threads; nullopt marks a thread that is not a watched worker.
// Returns the index of the victim, or nullopt when no member may be one.
std::optional<std::size_t> choose_victim(
    const std::vector<std::optional<VictimCandidate>>& members);

}  // namespace lockorder::watchdog
