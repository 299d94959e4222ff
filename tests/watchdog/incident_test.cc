// Incidents as text for people and as one JSON line for logs; counters per kind.
#include "lockorder/watchdog/incident.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace lockorder::watchdog {
namespace {

Incident cycle_incident() {
  Incident incident(IncidentKind::lock_cycle, "worker 'w1' has made no progress for 300 ms",
                    "cancel, then replace the worker; its item is retried");
  incident.id = 4;
  incident.cycle = {"accounts", "audit"};
  StuckThread& t = incident.threads.emplace_back();
  t.name = "w1";
  t.thread_id = 1234;
  t.silent_ms = 300;
  t.waits_for = "audit";
  t.waited_ms = 290;
  t.holds = {"accounts"};
  t.chain = {"'w1' waits for audit held by 'w2'"};
  return incident;
}

TEST(Incident, TextNamesTheCycleTheThreadsAndTheAction) {
  std::string text = to_text(cycle_incident());
  EXPECT_NE(text.find("blocked-in-lock-cycle #4: worker 'w1'"), std::string::npos) << text;
  EXPECT_NE(text.find("lock cycle: accounts -> audit -> accounts"), std::string::npos) << text;
  EXPECT_NE(text.find("waits for audit (290 ms)"), std::string::npos) << text;
  EXPECT_NE(text.find("holds accounts"), std::string::npos) << text;
  EXPECT_NE(text.find("action: cancel"), std::string::npos) << text;
}

TEST(Incident, JsonLineIsOneParsableObject) {
  std::string line = to_json_line(cycle_incident());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["kind"], "blocked-in-lock-cycle");
  EXPECT_EQ(j["incident"], 4);
  EXPECT_EQ(j["cycle"], nlohmann::json({"accounts", "audit"}));
  EXPECT_EQ(j["threads"][0]["tid"], 1234);
  EXPECT_EQ(j["threads"][0]["holds"][0], "accounts");
}

TEST(Incident, CountersCountStallsByExplanation) {
  Counters c;
  c.count(IncidentKind::lock_cycle);
  c.count(IncidentKind::lock_chain);
  c.count(IncidentKind::stalled);
  c.count(IncidentKind::deadlock_broken);
  EXPECT_EQ(c.stalled, 3u);
  EXPECT_EQ(c.lock_cycles, 1u);
  EXPECT_EQ(c.lock_chains, 1u);
  EXPECT_EQ(c.deadlocks_broken, 1u);
  nlohmann::json j = nlohmann::json::parse(to_json_line(c));
  EXPECT_EQ(j["counters"]["stalled"], 3);
}

}  // namespace
}  // namespace lockorder::watchdog
