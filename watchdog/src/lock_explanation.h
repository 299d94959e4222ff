// Explains a stalled worker with the runtime's live wait-for graph: the lock it waits for, who
// holds that, what that holder waits for, ... until the chain ends or comes back (a cycle).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lockorder/wait_for.h"
#include "lockorder/watchdog/incident.h"

namespace lockorder::watchdog {

struct LockExplanation {
  IncidentKind kind = IncidentKind::stalled;  // stalled, lock_chain or lock_cycle
  std::string waits_for;
  std::int64_t waited_ms = 0;
  std::vector<std::string> holds;
  std::vector<std::string> chain;  // one step per blocked thread on the way
  std::vector<std::string> cycle;  // the locks of the cycle, for lock_cycle
};

// `name_of(thread_id, runtime_label)` names a thread in the steps (a worker's name if known).
using ThreadNamer = std::function<std::string(int thread_id, const std::string& label)>;

LockExplanation explain_wait(int thread_id, const std::vector<blocked_thread>& snapshot,
                             const ThreadNamer& name_of);

}  // namespace lockorder::watchdog
