// The watchdog thread with real workers: stalls explained with the lock wait-for graph, slow
// work warned about and left alone, idle workers left alone, deadlock victims chosen by policy.
#include "lockorder/watchdog/watchdog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <latch>
#include <mutex>
#include <thread>

#include "incident_log.h"
#include "lockorder/condition_variable.h"
#include "lockorder/mutex.h"
#include "lockorder/options.h"
#include "lockorder/thread_pool.h"

namespace lockorder::watchdog {
namespace {

using namespace std::chrono_literals;
using testing::fast;
using testing::IncidentLog;

TEST(Watchdog, AStalledWorkerBlockedOnALockIsExplained) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  lockorder::mutex config("config");
  std::atomic<int> stall_calls{0};
  std::unique_lock held(config);
  std::thread worker([&] {
    auto registration =
        watchdog.watch({.name = "loader"}, 50ms, [&](const Incident&) { ++stall_calls; });
    registration.heartbeat().begin_item();
    std::lock_guard wait(config);  // blocks until the test lets go
    registration.heartbeat().set_idle(true);
  });
  ASSERT_TRUE(log.wait_for(IncidentKind::lock_chain));
  EXPECT_FALSE(watchdog.healthy());
  // The handler runs after the round that reported; then the stall lasts a few rounds more.
  for (int i = 0; i < 30000 && stall_calls.load() == 0; ++i) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(50ms);
  held.unlock();
  worker.join();
  Incident incident = log.of_kind(IncidentKind::lock_chain).at(0);
  EXPECT_NE(incident.summary.find("worker 'loader' has made no progress"), std::string::npos);
  EXPECT_NE(incident.summary.find("blocked on config"), std::string::npos) << incident.summary;
  ASSERT_EQ(incident.threads.size(), 1u);
  EXPECT_EQ(incident.threads[0].waits_for, "config");
  EXPECT_NE(incident.threads[0].chain.at(0).find("'loader'"), std::string::npos);
  EXPECT_NE(incident.threads[0].chain.at(0).find("not blocked on a lock"), std::string::npos);
  EXPECT_EQ(stall_calls.load(), 1);  // one incident, one call, however long it lasted
  EXPECT_EQ(watchdog.counters().lock_chains, 1u);
}

// A worker that waits for the future of a pool task queued behind a busy worker: the stall is
// explained in the runtime's words, with the task each pool worker runs.
TEST(Watchdog, AStalledWorkerWaitingForAQueuedPoolTaskIsExplained) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  lockorder::thread_pool pool(1, "io");
  std::latch release(1);
  lockorder::future<void> busy = pool.submit([&release] { release.wait(); });
  std::thread worker([&] {
    auto registration = watchdog.watch({.name = "indexer"}, 50ms);
    registration.heartbeat().begin_item();
    pool.submit([] {}).wait();  // queued behind the busy task
    registration.heartbeat().set_idle(true);
  });
  ASSERT_TRUE(log.wait_for(IncidentKind::lock_chain));
  release.count_down();
  worker.join();
  busy.get();
  Incident incident = log.of_kind(IncidentKind::lock_chain).at(0);
  EXPECT_NE(incident.summary.find("blocked on the future of task #2 of pool io, queued behind 0 "
                                  "tasks on 1 worker (T"),
            std::string::npos)
      << incident.summary;
  ASSERT_EQ(incident.threads.size(), 1u);
  EXPECT_NE(
      incident.threads[0].chain.at(0).find(" runs task #1), for a thread that is not blocked"),
      std::string::npos)
      << incident.threads[0].chain.at(0);
}

TEST(Watchdog, AStallWithoutALockIsAPlainStallAndHealsWhenTheWorkerBeatsAgain) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  std::atomic<bool> resume{false};
  std::thread worker([&] {
    auto registration = watchdog.watch({.name = "compactor"}, 40ms);
    registration.heartbeat().begin_item();
    while (!resume) std::this_thread::sleep_for(1ms);  // silent: no beat
    for (int i = 0; i < 30; ++i) {
      registration.heartbeat().beat();
      std::this_thread::sleep_for(2ms);
    }
  });
  ASSERT_TRUE(log.wait_for(IncidentKind::stalled));
  EXPECT_TRUE(log.of_kind(IncidentKind::stalled)[0].threads.at(0).waits_for.empty());
  resume = true;
  worker.join();
  for (int i = 0; i < 3000 && !watchdog.healthy(); ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(watchdog.healthy());
}

TEST(Watchdog, SlowButProgressingIsWarnedOnceAndNeverHandled) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  std::atomic<int> stall_calls{0};
  std::thread worker([&] {
    auto registration =
        watchdog.watch({.name = "indexer"}, 30ms, [&](const Incident&) { ++stall_calls; });
    registration.heartbeat().begin_item();
    for (int i = 0; i < 100; ++i) {  // ~200 ms of work on one item, beating all along
      std::this_thread::sleep_for(2ms);
      registration.heartbeat().beat();
    }
  });
  worker.join();
  EXPECT_EQ(log.of_kind(IncidentKind::slow).size(), 1u);
  EXPECT_EQ(stall_calls.load(), 0);
  EXPECT_TRUE(log.of_kind(IncidentKind::stalled).empty());
}

TEST(Watchdog, AnIdleWorkerIsNeverStalled) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  std::thread worker([&] {
    auto registration = watchdog.watch({.name = "listener"}, 20ms);
    registration.heartbeat().set_idle(true);
    std::this_thread::sleep_for(200ms);
  });
  worker.join();
  EXPECT_TRUE(log.of_kind(IncidentKind::stalled).empty());
  EXPECT_TRUE(watchdog.healthy());
}

// Two workers deadlock; the victim follows the policy whichever thread closed the cycle.
struct DeadlockOutcome {
  bool first_victim = false;
  bool second_victim = false;
};
DeadlockOutcome deadlock_two(Watchdog& watchdog, WorkerInfo first, WorkerInfo second) {
  lockorder::mutex a("a"), b("b");
  std::barrier both_hold(2);
  DeadlockOutcome outcome;
  auto body = [&](WorkerInfo info, lockorder::mutex& mine, lockorder::mutex& other, bool& victim) {
    auto registration = watchdog.watch(info, 5s);
    registration.heartbeat().begin_item();
    std::lock_guard hold(mine);
    both_hold.arrive_and_wait();
    try {
      std::lock_guard take(other);
    } catch (const lockorder::deadlock_victim&) {
      victim = true;
    }
  };
  std::thread t1(body, first, std::ref(a), std::ref(b), std::ref(outcome.first_victim));
  std::thread t2(body, second, std::ref(b), std::ref(a), std::ref(outcome.second_victim));
  t1.join();
  t2.join();
  return outcome;
}

TEST(Watchdog, DeadlockVictimIsTheLowerPriorityWorker) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  for (int round = 0; round < 3; ++round) {
    DeadlockOutcome outcome = deadlock_two(watchdog, {.name = "billing", .priority = 5},
                                           {.name = "reports", .priority = 1});
    EXPECT_FALSE(outcome.first_victim);
    EXPECT_TRUE(outcome.second_victim);
  }
  auto broken = log.of_kind(IncidentKind::deadlock_broken);
  ASSERT_EQ(broken.size(), 3u);
  EXPECT_NE(broken[0].action.find("victim reports"), std::string::npos) << broken[0].action;
  EXPECT_EQ(broken[0].cycle.size(), 2u);
  EXPECT_EQ(watchdog.counters().deadlocks_broken, 3u);
}

TEST(Watchdog, ACriticalWorkerIsNeverTheVictim) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  DeadlockOutcome outcome =
      deadlock_two(watchdog, {.name = "journal", .priority = 0, .critical = true},
                   {.name = "cache", .priority = 9});
  EXPECT_FALSE(outcome.first_victim);
  EXPECT_TRUE(outcome.second_victim);
}

// A worker waiting on a condition variable under a lock is in the cycle (its wait cannot return
// without its mutex) but cannot give the wait up: the other worker is the victim, whatever the
// priorities say.
TEST(Watchdog, AWorkerInAConditionWaitIsNeverTheVictim) {
  IncidentLog log;
  Watchdog watchdog(fast(log));
  lockorder::mutex outer("outer"), inner("inner");
  lockorder::condition_variable signal;
  bool signalled = false;  // under inner
  std::atomic<bool> waiting{false};
  bool taker_victim = false;
  std::thread sleeper([&] {
    auto registration = watchdog.watch({.name = "sleeper", .priority = 0}, 5s);
    registration.heartbeat().begin_item();
    std::lock_guard o(outer);
    std::unique_lock i(inner);
    waiting = true;
    signal.wait(i, [&] { return signalled; });
  });
  while (!waiting) std::this_thread::sleep_for(1ms);
  std::thread taker([&] {
    auto registration = watchdog.watch({.name = "taker", .priority = 9}, 5s);
    registration.heartbeat().begin_item();
    std::lock_guard i(inner);  // once the sleeper's wait has released it
    try {
      std::lock_guard o(outer);
    } catch (const lockorder::deadlock_victim&) {
      taker_victim = true;
    }
  });
  taker.join();
  {
    std::lock_guard i(inner);
    signalled = true;
  }
  signal.notify_all();
  sleeper.join();
  EXPECT_TRUE(taker_victim);
  auto broken = log.of_kind(IncidentKind::deadlock_broken);
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_NE(broken[0].action.find("victim taker"), std::string::npos) << broken[0].action;
}

// A second watchdog (a library's, say) neither takes over nor, when it goes, removes the first
// one's deadlock breaking.
TEST(Watchdog, OnlyTheFirstWatchdogBreaksDeadlocksAndKeepsDoingSo) {
  IncidentLog first_log, second_log;
  Watchdog first(fast(first_log));
  {
    Watchdog second(fast(second_log));
  }
  DeadlockOutcome outcome =
      deadlock_two(first, {.name = "a", .priority = 1}, {.name = "b", .priority = 0});
  EXPECT_TRUE(outcome.second_victim);
  EXPECT_EQ(first_log.of_kind(IncidentKind::deadlock_broken).size(), 1u);
  EXPECT_TRUE(second_log.of_kind(IncidentKind::deadlock_broken).empty());
}

// Without deadlock breaking (and with on_deadlock=wait), the stall is explained as a cycle.
// Runs in a death test's child: the deadlocked threads can never be joined.
[[noreturn]] void explain_unbroken_cycle() {
  lockorder::options opts = lockorder::get_options();
  opts.on_deadlock = lockorder::deadlock_action::wait;
  lockorder::set_options(opts);
  IncidentLog log;
  WatchdogOptions options = fast(log);
  options.break_deadlocks = false;
  Watchdog watchdog(options);
  lockorder::mutex ledger("ledger");
  lockorder::mutex audit("audit");
  std::barrier both_hold(2);
  auto body = [&](const char* name, lockorder::mutex& mine, lockorder::mutex& other) {
    // Long enough for both to be blocked (and the inversion reported: it reads the binary's
    // debug information, slow under sanitizers on a loaded machine) before either is judged.
    auto registration = watchdog.watch({.name = name}, 1500ms);
    registration.heartbeat().begin_item();
    std::lock_guard hold(mine);
    both_hold.arrive_and_wait();
    std::lock_guard take(other);
  };
  std::thread(body, "w1", std::ref(ledger), std::ref(audit)).detach();
  std::thread(body, "w2", std::ref(audit), std::ref(ledger)).detach();
  // The worker judged last is seen in the cycle (the first may be judged while the other is
  // still printing the inversion report, and so blocked on a chain).
  if (!log.wait_for(IncidentKind::lock_cycle)) std::_Exit(1);
  std::fputs(to_text(log.of_kind(IncidentKind::lock_cycle)[0]).c_str(), stderr);
  std::_Exit(watchdog.healthy() ? 2 : 0);
}

// A daemon that broke a deadlock and then shuts down cleanly exits with its own status, not
// the runtime's report status: under Restart=on-failure a recovery must not look like a crash.
void recover_then_exit(bool reports_set_exit_status) {
  lockorder::options opts = lockorder::get_options();
  opts.exitcode = 66;  // the runtime's default (the tests' main turns it off)
  lockorder::set_options(opts);
  IncidentLog log;
  WatchdogOptions options = fast(log);
  options.reports_set_exit_status = reports_set_exit_status;
  Watchdog watchdog(options);
  const DeadlockOutcome outcome =
      deadlock_two(watchdog, {.name = "billing", .priority = 5}, {.name = "reports"});
  if (!outcome.second_victim) std::_Exit(3);
  std::exit(0);  // the runtime's exit handler decides the status
}

TEST(WatchdogDeathTest, ARecoveredDeadlockLeavesTheExitStatusAlone) {
  EXPECT_EXIT(recover_then_exit(false), ::testing::ExitedWithCode(0), "deadlock");
}

TEST(WatchdogDeathTest, ReportsSetTheExitStatusWhenAskedTo) {
  EXPECT_EXIT(recover_then_exit(true), ::testing::ExitedWithCode(66), "deadlock");
}

TEST(WatchdogDeathTest, ALockCycleIsExplainedWhenNotBroken) {
  EXPECT_EXIT(explain_unbroken_cycle(), ::testing::ExitedWithCode(0),
              "blocked-in-lock-cycle(.|\n)*lock cycle: (ledger -> audit -> ledger|audit -> "
              "ledger -> audit)(.|\n)*held by '(w1|w2)'");
}

}  // namespace
}  // namespace lockorder::watchdog
