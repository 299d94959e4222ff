#include "lockorder/watchdog/incident.h"

#include <nlohmann/json.hpp>

namespace lockorder::watchdog {

const char* incident_kind_name(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::slow:
      return "slow";
    case IncidentKind::stalled:
      return "stalled";
    case IncidentKind::lock_chain:
      return "blocked-on-lock-chain";
    case IncidentKind::lock_cycle:
      return "blocked-in-lock-cycle";
    case IncidentKind::deadlock_broken:
      return "deadlock-broken";
    case IncidentKind::replaced:
      return "worker-replaced";
    case IncidentKind::restarted:
      return "worker-restarted";
    case IncidentKind::escalated:
      return "escalated";
  }
  return "unknown";
}

std::string to_text(const Incident& incident) {
  std::string out = "lockorder-watchdog: " + std::string(incident_kind_name(incident.kind)) + " #" +
                    std::to_string(incident.id) + ": " + incident.summary + "\n";
  if (!incident.cycle.empty()) {
    out += "  lock cycle:";
    for (const std::string& lock : incident.cycle) out += " " + lock + " ->";
    out += " " + incident.cycle.front() + "\n";
  }
  for (const StuckThread& t : incident.threads) {
    out += "  " + t.name + " (tid " + std::to_string(t.thread_id) + ")";
    if (t.silent_ms > 0) out += ", silent " + std::to_string(t.silent_ms) + " ms";
    if (t.item_age_ms > 0) out += ", on its item for " + std::to_string(t.item_age_ms) + " ms";
    out += "\n";
    if (!t.waits_for.empty())
      out += "    waits for " + t.waits_for + " (" + std::to_string(t.waited_ms) + " ms)\n";
    for (const std::string& lock : t.holds) out += "    holds " + lock + "\n";
    for (const std::string& step : t.chain) out += "    " + step + "\n";
  }
  if (!incident.action.empty()) out += "  action: " + incident.action + "\n";
  return out;
}

namespace {

nlohmann::json thread_json(const StuckThread& t) {
  return {{"name", t.name},           {"tid", t.thread_id},
          {"silent_ms", t.silent_ms}, {"item_age_ms", t.item_age_ms},
          {"waits_for", t.waits_for}, {"waited_ms", t.waited_ms},
          {"holds", t.holds},         {"chain", t.chain}};
}

}  // namespace

std::string to_json_line(const Incident& incident) {
  nlohmann::json threads = nlohmann::json::array();
  for (const StuckThread& t : incident.threads) threads.push_back(thread_json(t));
  nlohmann::json line = {{"source", "lockorder-watchdog"},
                         {"incident", incident.id},
                         {"kind", incident_kind_name(incident.kind)},
                         {"summary", incident.summary},
                         {"threads", threads},
                         {"cycle", incident.cycle},
                         {"action", incident.action}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Counters::count(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::slow:
      ++slow;
      return;
    case IncidentKind::stalled:
      ++stalled;
      return;
    case IncidentKind::lock_chain:
      ++stalled;
      ++lock_chains;
      return;
    case IncidentKind::lock_cycle:
      ++stalled;
      ++lock_cycles;
      return;
    case IncidentKind::deadlock_broken:
      ++deadlocks_broken;
      return;
    case IncidentKind::replaced:
      ++replaced;
      return;
    case IncidentKind::restarted:
      ++restarted;
      return;
    case IncidentKind::escalated:
      ++escalations;
      return;
  }
}

std::string to_json_line(const Counters& c) {
  nlohmann::json line = {{"source", "lockorder-watchdog"},
                         {"counters",
                          {{"slow", c.slow},
                           {"stalled", c.stalled},
                           {"lock_chains", c.lock_chains},
                           {"lock_cycles", c.lock_cycles},
                           {"deadlocks_broken", c.deadlocks_broken},
                           {"replaced", c.replaced},
                           {"restarted", c.restarted},
                           {"escalations", c.escalations}}}};
  return line.dump();
}

}  // namespace lockorder::watchdog
