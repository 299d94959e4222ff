// Latches and barriers in the wait-for graph (SCENARIOS W3, W7): a thread that waits at one while
// it holds a lock that every thread which has not arrived waits for is blocked for good with
// them; the runtime reports the deadlock the moment all are blocked. A latch counted down by
// threads that hold nothing, or one that a running thread can still open, stays silent.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "lockorder/barrier.h"
#include "lockorder/latch.h"
#include "lockorder/mutex.h"
#include "lockorder/runtime.h"
#include "lockorder/thread.h"
#include "lockorder/wait_for.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::ReportCollector;
using namespace std::chrono_literals;

constexpr const char* kLatchDeadlock =
    "WARNING: lockorder: deadlock \\([0-9] threads blocked in a cycle: [^\n]*waits at ready for "
    "threads that have not arrived, T[0-9]+[^\n]* among them \\(every one of them is blocked\\)"
    "(.|\n)*waits at ready \\(blocked [0-9]+ ms\\), at(.|\n)*"
    "holds state, acquired at(.|\n)*SUMMARY: lockorder: deadlock";

// Two workers take `state` before they count the latch down; the main thread waits on the latch
// holding `state`. `workers_block_first`: they are blocked on it before the wait begins (seen
// through the kernel, as they hold nothing), or they block after it (and publish).
void wait_on_a_latch_holding_the_workers_lock(bool workers_block_first) {
  set_thread_name("main");
  mutex state("state");
  latch ready(2, "ready");
  std::unique_lock held(state);
  auto work = [&] {
    if (!workers_block_first) std::this_thread::sleep_for(100ms);
    std::lock_guard mine(state);
    ready.count_down();
  };
  thread first(work);
  thread second(work);
  if (workers_block_first) std::this_thread::sleep_for(100ms);
  ready.wait();
  held.unlock();
  first.join();
  second.join();
}

TEST(LatchDeathTest, AWaitUnderTheLockEveryWorkerNeedsIsADeadlock) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT(wait_on_a_latch_holding_the_workers_lock(true), ::testing::ExitedWithCode(66),
              kLatchDeadlock);
}

TEST(LatchDeathTest, WorkersThatBlockAfterTheWaitBeganCloseTheCycle) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT(wait_on_a_latch_holding_the_workers_lock(false), ::testing::ExitedWithCode(66),
              kLatchDeadlock);
}

// A thread idle in a wait no other thread will end (a pool's idle worker) decides nothing: only
// another thread could wake it, and every other one is blocked.
void wait_on_a_latch_with_an_idle_thread_around() {
  std::mutex idle_lock;
  std::condition_variable idle_wakeup;
  std::thread idle([&] {
    std::unique_lock lock(idle_lock);
    idle_wakeup.wait(lock);  // never notified
  });
  idle.detach();
  wait_on_a_latch_holding_the_workers_lock(true);
}

TEST(LatchDeathTest, AnIdleThreadDoesNotKeepTheWaitAlive) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT(wait_on_a_latch_with_an_idle_thread_around(), ::testing::ExitedWithCode(66),
              kLatchDeadlock);
}

// Each worker arrives at the barrier after it takes `state`; the main thread arrives holding it.
void arrive_at_a_barrier_holding_the_workers_lock() {
  set_thread_name("main");
  mutex state("state");
  barrier<> step(2, {}, "step");
  thread worker([&] {
    set_thread_name("worker");
    step.arrive_and_wait();  // phase 0 passes
    std::this_thread::sleep_for(50ms);
    std::lock_guard mine(state);
    step.arrive_and_wait();
  });
  step.arrive_and_wait();
  std::lock_guard held(state);
  step.arrive_and_wait();
  worker.join();
}

TEST(BarrierDeathTest, ArrivingUnderTheLockTheOtherParticipantNeedsIsADeadlock) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT(arrive_at_a_barrier_holding_the_workers_lock(), ::testing::ExitedWithCode(66),
              "deadlock \\(2 threads blocked in a cycle: [^\n]*waits at step for threads that "
              "have not arrived, T[0-9]+ 'worker' among them(.|\n)*"
              "holds state, acquired at(.|\n)*waits at a latch or barrier");
}

TEST(Latch, CountedDownByThreadsThatHoldNothingIsSilent) {
  ReportCollector reports;
  mutex state("state");
  mutex unrelated("unrelated");
  latch done(3, "done");
  std::vector<thread> workers;
  for (int i = 0; i < 3; ++i)
    workers.emplace_back([&] {
      std::this_thread::sleep_for(20ms);
      done.count_down();
    });
  {
    std::lock_guard held(state);  // a lock no worker needs
    done.wait();
  }
  for (thread& w : workers) w.join();
  std::lock_guard a(unrelated);  // the latch let every thread go on
  EXPECT_TRUE(reports.all().empty());
}

// One worker is blocked on the waiter's lock, but another runs and opens the latch.
TEST(Latch, AThreadThatHasNotArrivedAndRunsKeepsTheWaitAlive) {
  ReportCollector reports;
  mutex state("state");
  latch ready(1, "ready");
  thread blocked([&] {
    std::this_thread::sleep_for(20ms);
    std::lock_guard mine(state);
  });
  thread running([&] {
    std::this_thread::sleep_for(150ms);
    ready.count_down();
  });
  {
    std::lock_guard held(state);
    ready.wait();
  }
  running.join();
  blocked.join();
  EXPECT_TRUE(reports.all().empty());
}

TEST(Barrier, PhasesWithNoLockAroundThemAreSilentAndRunTheCompletion) {
  ReportCollector reports;
  int phases = 0;
  barrier step(3, [&phases]() noexcept { ++phases; }, "step");
  std::vector<thread> workers;
  for (int i = 0; i < 2; ++i)
    workers.emplace_back([&] {
      for (int k = 0; k < 50; ++k) step.arrive_and_wait();
    });
  mutex state("state");
  for (int k = 0; k < 50; ++k) {
    std::lock_guard held(state);  // no worker needs it
    step.arrive_and_wait();
  }
  for (thread& w : workers) w.join();
  EXPECT_EQ(phases, 50);
  EXPECT_TRUE(reports.all().empty());
}

TEST(Barrier, ADroppedParticipantNoLongerCounts) {
  int phases = 0;
  barrier step(2, [&phases]() noexcept { ++phases; }, "step");
  thread leaver([&] { step.arrive_and_drop(); });
  leaver.join();
  EXPECT_EQ(phases, 0);    // one of two arrived
  step.arrive_and_wait();  // phase 0: the leaver's arrival and this one
  EXPECT_EQ(phases, 1);
  step.arrive_and_wait();  // phase 1: this one alone
  EXPECT_EQ(phases, 2);
}

// A watchdog asks for every wait: then one that holds nothing is shown too.
TEST(Latch, AWaiterHoldingNothingIsShownWhenEveryWaitIsAskedFor) {
  ReportCollector reports;
  publish_every_wait(true);
  latch ready(1, "ready");
  thread waiter([&] { ready.wait(); });
  const std::vector<blocked_thread> shown = testing::shown_waiting_for("ready");
  ready.count_down();
  waiter.join();
  publish_every_wait(false);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].kind, wait_kind::arrival);
  EXPECT_TRUE(shown[0].holds.empty());
  EXPECT_TRUE(reports.all().empty());
}

TEST(Latch, AWaiterHoldingALockIsShownWhileItWaits) {
  ReportCollector reports;
  mutex state("state");
  latch ready(1, "ready");
  thread waiter([&] {
    std::lock_guard held(state);
    ready.wait();
  });
  const std::vector<blocked_thread> shown = testing::shown_waiting_for("ready");
  ready.count_down();
  waiter.join();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].holds, std::vector<std::string>{"state"});
  EXPECT_TRUE(reports.all().empty());
}

}  // namespace
}  // namespace lockorder
