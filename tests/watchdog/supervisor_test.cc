// The supervisor: failed workers restarted with exponential backoff, stalled workers cancelled
// and replaced, stuck workers given up on with their items released, one_for_all, and
// escalation when restarts come too often.
#include "lockorder/watchdog/supervisor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "incident_log.h"

namespace lockorder::watchdog {
namespace {

using namespace std::chrono_literals;
using testing::fast;
using testing::IncidentLog;

SupervisorOptions quick() {
  SupervisorOptions options;
  options.backoff_initial = 10ms;
  options.backoff_max = 40ms;
  options.jitter = 0;
  options.cancel_grace = 50ms;
  options.escalate = [](const Incident&) {};
  return options;
}

template <class Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 30000 && !done(); ++i) std::this_thread::sleep_for(1ms);
  return done();
}

TEST(Supervisor, AFailedWorkerIsRestartedWithDoublingBackoff) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  Supervisor supervisor(watchdog, quick());
  std::atomic<int> runs{0};
  supervisor.add({.info = {.name = "parser"}, .run = [&](WorkerContext& context) {
                    if (++runs <= 3) throw std::runtime_error("bad input");
                    context.heartbeat.set_idle(true);
                    while (!context.stop_requested()) std::this_thread::sleep_for(1ms);
                  }});
  ASSERT_TRUE(eventually([&] { return runs.load() == 4; }));
  supervisor.stop();
  EXPECT_EQ(supervisor.stats().restarts, 3u);
  auto restarted = log.of_kind(IncidentKind::restarted);
  ASSERT_EQ(restarted.size(), 3u);
  EXPECT_NE(restarted[0].summary.find("worker 'parser' failed: bad input"), std::string::npos);
  EXPECT_EQ(restarted[0].action, "restart in 10 ms (attempt 1)");
  EXPECT_EQ(restarted[1].action, "restart in 20 ms (attempt 2)");
  EXPECT_EQ(restarted[2].action, "restart in 40 ms (attempt 3)");  // capped at backoff_max
}

// 40 ms +- half of it, capped at 40 ms: every wait is at most the cap.
TEST(Supervisor, TheJitterNeverPushesAWaitPastTheCap) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  SupervisorOptions options = quick();
  options.backoff_initial = 40ms;
  options.jitter = 0.5;
  options.max_restarts = 20;
  Supervisor supervisor(watchdog, options);
  std::atomic<int> runs{0};
  supervisor.add({.info = {.name = "flaky"}, .run = [&](WorkerContext& context) {
                    if (++runs <= 8) throw std::runtime_error("flaky");
                    context.heartbeat.set_idle(true);
                    while (!context.stop_requested()) std::this_thread::sleep_for(1ms);
                  }});
  ASSERT_TRUE(eventually([&] { return runs.load() == 9; }));
  supervisor.stop();
  auto restarted = log.of_kind(IncidentKind::restarted);
  ASSERT_EQ(restarted.size(), 8u);
  for (const Incident& incident : restarted) {
    const int ms = std::stoi(incident.action.substr(std::string("restart in ").size()));
    EXPECT_LE(ms, 40) << incident.action;
  }
}

TEST(Supervisor, TooManyRestartsWithinThePeriodEscalate) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  SupervisorOptions options = quick();
  options.max_restarts = 2;
  std::atomic<int> escalations{0};
  options.escalate = [&](const Incident& incident) {
    EXPECT_EQ(incident.kind, IncidentKind::escalated);
    ++escalations;
  };
  Supervisor supervisor(watchdog, options);
  std::atomic<int> runs{0};
  supervisor.add({.info = {.name = "flaky"}, .run = [&](WorkerContext&) {
                    ++runs;
                    throw std::runtime_error("always");
                  }});
  ASSERT_TRUE(eventually([&] { return escalations.load() == 1; }));
  std::this_thread::sleep_for(100ms);  // no restart after escalating
  EXPECT_EQ(runs.load(), 3);
  EXPECT_EQ(escalations.load(), 1);
  EXPECT_TRUE(supervisor.stats().escalated);
  EXPECT_EQ(watchdog.counters().escalations, 1u);
}

TEST(Supervisor, AStalledWorkerIsCancelledAndReplaced) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  Supervisor supervisor(watchdog, quick());
  std::atomic<int> runs{0};
  std::atomic<int> cancelled{0};
  supervisor.add(
      {.info = {.name = "exporter"}, .deadline = 40ms, .run = [&](WorkerContext& context) {
         if (++runs == 1) {
           context.heartbeat.begin_item();
           while (!context.stop_requested()) std::this_thread::sleep_for(1ms);
           ++cancelled;  // noticed the cancellation: returns on its own
           return;
         }
         context.heartbeat.set_idle(true);
         while (!context.stop_requested()) std::this_thread::sleep_for(1ms);
       }});
  ASSERT_TRUE(eventually([&] { return runs.load() == 2; }));
  supervisor.stop();
  EXPECT_EQ(cancelled.load(), 1);
  SupervisorStats stats = supervisor.stats();
  EXPECT_EQ(stats.replacements, 1u);
  EXPECT_EQ(stats.abandoned, 0u);
  EXPECT_EQ(stats.restarts, 0u);
  EXPECT_EQ(log.of_kind(IncidentKind::stalled).size(), 1u);
}

TEST(Supervisor, AStuckWorkerIsGivenUpOnAndItsItemsReleased) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  Supervisor supervisor(watchdog, quick());
  std::latch unstick(1);
  std::atomic<int> runs{0};
  std::mutex released_mu;
  std::vector<std::uint64_t> released;  // every ended worker's owner; the stuck one's first
  std::atomic<std::uint64_t> stuck_owner{0};
  supervisor.add({.info = {.name = "uploader"},
                  .deadline = 40ms,
                  .run =
                      [&](WorkerContext& context) {
                        if (++runs == 1) {
                          stuck_owner = context.owner;
                          context.heartbeat.begin_item();
                          unstick.wait();  // ignores cancellation
                          return;
                        }
                        context.heartbeat.set_idle(true);
                        while (!context.stop_requested()) std::this_thread::sleep_for(1ms);
                      },
                  .release =
                      [&](std::uint64_t owner) {
                        std::lock_guard guard(released_mu);
                        released.push_back(owner);
                      }});
  ASSERT_TRUE(eventually([&] { return runs.load() == 2; }));
  supervisor.stop();
  {
    std::lock_guard guard(released_mu);
    ASSERT_FALSE(released.empty());
    EXPECT_EQ(released[0], stuck_owner.load());
  }
  EXPECT_EQ(supervisor.stats().abandoned, 1u);
  auto replaced = log.of_kind(IncidentKind::replaced);
  ASSERT_FALSE(replaced.empty());
  EXPECT_NE(replaced[0].summary.find("given up on"), std::string::npos) << replaced[0].summary;
  unstick.count_down();  // the detached thread may finish now
}

TEST(Supervisor, OneForAllRestartsEveryWorkerWhenOneFails) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  SupervisorOptions options = quick();
  options.strategy = RestartStrategy::one_for_all;
  Supervisor supervisor(watchdog, options);
  std::atomic<int> a_runs{0}, b_runs{0};
  auto idle_until_stopped = [](WorkerContext& context) {
    context.heartbeat.set_idle(true);
    while (!context.stop_requested()) std::this_thread::sleep_for(1ms);
  };
  supervisor.add({.info = {.name = "a"}, .run = [&](WorkerContext& context) {
                    if (++a_runs == 1) {
                      std::this_thread::sleep_for(30ms);
                      throw std::runtime_error("a failed");
                    }
                    idle_until_stopped(context);
                  }});
  supervisor.add({.info = {.name = "b"}, .run = [&](WorkerContext& context) {
                    ++b_runs;
                    idle_until_stopped(context);
                  }});
  ASSERT_TRUE(eventually([&] { return a_runs.load() == 2 && b_runs.load() == 2; }));
  supervisor.stop();
  EXPECT_EQ(supervisor.stats().restarts, 1u);
  EXPECT_EQ(supervisor.stats().replacements, 1u);  // b, stopped for the group restart
}

TEST(Supervisor, MisuseIsAClearError) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  Supervisor supervisor(watchdog, quick());
  EXPECT_THROW(supervisor.add({.info = {.name = "empty"}}), std::invalid_argument);
  supervisor.stop();
  EXPECT_THROW(supervisor.add({.info = {.name = "late"}, .run = [](WorkerContext&) {}}),
               std::logic_error);
}

}  // namespace
}  // namespace lockorder::watchdog
