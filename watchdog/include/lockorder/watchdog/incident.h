// Incident: one thing the watchdog noticed or did, for people (text) and for logs and metrics
// (one JSON object on one line). Counters: how often each kind happened.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lockorder::watchdog {

enum class IncidentKind {
  slow,             // progressing, but the work item is older than its deadline (a warning)
  stalled,          // working and silent past its deadline, not blocked on an instrumented lock
  lock_chain,       // stalled, blocked on a lock whose holder is not in a cycle
  lock_cycle,       // stalled, blocked in a cycle of threads waiting for each other's locks
  deadlock_broken,  // a deadlock's victim was chosen; its acquisition throws deadlock_victim
  replaced,         // a stalled worker was cancelled (or abandoned) and a replacement started
  restarted,        // a worker that failed was restarted
  escalated,        // the supervisor gave up: the process is to be restarted
};
const char* incident_kind_name(IncidentKind kind);

// One thread in an explanation: a watched worker, or a thread it waits for.
struct StuckThread {
  std::string name;  // the worker's name, or the runtime's thread label
  int thread_id = 0;
  std::int64_t silent_ms = 0;      // since its last heartbeat (workers only)
  std::int64_t item_age_ms = 0;    // since its work item began (workers only)
  std::string waits_for;           // lock it is blocked on ("" if none)
  std::int64_t waited_ms = 0;      // how long it has been blocked on it
  std::vector<std::string> holds;  // locks it holds while blocked
  std::vector<std::string> chain;  // "T2 'w1' waits for b held by T3 'w2'", ...
};

struct Incident {
  Incident() = default;
  Incident(IncidentKind k, std::string summary_text, std::string action_text = "")
      : kind(k), summary(std::move(summary_text)), action(std::move(action_text)) {}

  std::uint64_t id = 0;  // increasing, per watchdog
  IncidentKind kind = IncidentKind::stalled;
  std::string summary;
  std::vector<StuckThread> threads;
  std::vector<std::string> cycle;  // lock names, for lock_cycle and deadlock_broken
  std::string action;              // what was done about it
};

std::string to_text(const Incident& incident);
std::string to_json_line(const Incident& incident);  // no trailing newline

struct Counters {
  std::uint64_t slow = 0;
  std::uint64_t stalled = 0;
  std::uint64_t lock_chains = 0;
  std::uint64_t lock_cycles = 0;
  std::uint64_t deadlocks_broken = 0;
  std::uint64_t replaced = 0;
  std::uint64_t restarted = 0;
  std::uint64_t escalations = 0;
  void count(IncidentKind kind);
};
std::string to_json_line(const Counters& counters);

}  // namespace lockorder::watchdog
