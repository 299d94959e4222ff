// Joins in the wait-for graph (SCENARIOS W1, W7): a thread that joins another while it holds a
// lock the other waits for is blocked for good with it; the runtime reports the deadlock the
// moment both are blocked, whichever blocks first, instead of hanging (on_deadlock=exit). A
// join that holds nothing, or nothing the joined thread needs, is silent.
#include <gtest/gtest.h>

#include <barrier>
#include <chrono>
#include <latch>
#include <mutex>
#include <thread>

#include "lockorder/mutex.h"
#include "lockorder/report/text_writer.h"
#include "lockorder/runtime.h"
#include "lockorder/thread.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::ReportCollector;
using namespace std::chrono_literals;

// The thread that closes the cycle leads the report: the joiner, or the worker.
#define LOCKORDER_JOINS "joins T[0-9]+[^\n]* \\(waits for it to end\\)"
#define LOCKORDER_WAITS "waits for state held by T[0-9]+ 'joiner'"
constexpr const char* kJoinDeadlock =
    "WARNING: lockorder: deadlock \\(2 threads blocked in a cycle: [^\n]*"
    "(" LOCKORDER_JOINS "[^\n]*" LOCKORDER_WAITS "|" LOCKORDER_WAITS "[^\n]*" LOCKORDER_JOINS
    ")"
    "(.|\n)*holds state, acquired at(.|\n)*SUMMARY: lockorder: deadlock";

// The joiner holds `state` and joins a worker that takes it; `worker_delay` and `join_delay`
// say which of the two blocks first.
void join_under_the_workers_lock(std::chrono::milliseconds worker_delay,
                                 std::chrono::milliseconds join_delay) {
  set_thread_name("joiner");
  mutex state("state");
  std::lock_guard held(state);
  thread worker([&] {
    set_thread_name("worker");
    std::this_thread::sleep_for(worker_delay);
    std::lock_guard mine(state);
  });
  std::this_thread::sleep_for(join_delay);
  worker.join();
}

// The worker blocks on the lock first, in an acquisition it does not publish (it holds
// nothing); the join then finds it through the kernel's view of its futex wait.
TEST(JoinDeathTest, AJoinUnderTheLockTheBlockedWorkerWaitsForIsADeadlock) {
  EXPECT_EXIT(join_under_the_workers_lock(0ms, 100ms), ::testing::ExitedWithCode(66),
              kJoinDeadlock);
}

// The join comes first; the worker blocks later, and its wait (published while a join is in
// progress) closes the cycle.
TEST(JoinDeathTest, AWorkerThatBlocksAfterTheJoinBeganClosesTheCycle) {
  EXPECT_EXIT(join_under_the_workers_lock(100ms, 0ms), ::testing::ExitedWithCode(66),
              kJoinDeadlock);
}

// A jthread joins in its destructor: a guard declared before it is still held then.
TEST(JoinDeathTest, AJthreadDestroyedUnderTheLockItsThreadNeedsIsADeadlock) {
  EXPECT_EXIT(
      {
        set_thread_name("joiner");
        mutex state("state");
        std::lock_guard held(state);
        jthread worker([&](std::stop_token) { std::lock_guard mine(state); });
        std::this_thread::sleep_for(100ms);
      },
      ::testing::ExitedWithCode(66), kJoinDeadlock);
}

TEST(Join, AJoinThatHoldsNothingIsSilent) {
  ReportCollector reports;
  mutex state("state");
  std::unique_lock held(state);
  thread worker([&] { std::lock_guard mine(state); });
  std::this_thread::sleep_for(20ms);
  held.unlock();
  worker.join();
  EXPECT_TRUE(reports.all().empty());
}

// A worker that waits with a timeout gives up by itself: the join ends, no deadlock. The join
// under the lock the worker takes is still a potential one (a timed acquisition is ordered like
// lock(): it waits).
TEST(Join, AWorkerWaitingWithATimeoutIsNoDeadlock) {
  ReportCollector reports;
  timed_mutex state("state");
  bool gave_up = false;
  {
    std::lock_guard held(state);
    thread worker([&] { gave_up = !state.try_lock_for(150ms); });
    worker.join();
  }
  EXPECT_TRUE(gave_up);
  ASSERT_EQ(reports.all().size(), 1u);
  EXPECT_EQ(reports.all()[0].kind, report::kJoinUnderLock);
}

// The worker waits for a lock a third thread holds for a while: the join waits for the worker,
// the worker for the third thread, which is running.
TEST(Join, AJoinUnderALockTheJoinedThreadDoesNotNeedIsSilent) {
  ReportCollector reports;
  mutex mine("mine"), theirs("theirs");
  std::barrier taken(2);
  thread holder([&] {
    std::lock_guard busy(theirs);
    taken.arrive_and_wait();
    std::this_thread::sleep_for(100ms);
  });
  taken.arrive_and_wait();
  std::lock_guard held(mine);
  thread worker([&] { std::lock_guard waits(theirs); });
  std::this_thread::sleep_for(20ms);
  worker.join();
  holder.join();
  EXPECT_TRUE(reports.all().empty());
}

// W8: the worker took `state` and let it go long before the join, so this run does not hang;
// another schedule (the join's thread takes `state` first) does. Reported at the join, before it
// waits, with both sides: where the worker took it, and where the join was made under it.
TEST(Join, AJoinUnderALockTheJoinedThreadTookBeforeIsAPotentialDeadlock) {
  ReportCollector reports;
  mutex state("state");
  std::latch worker_done_with_state(1);
  thread worker([&] {
    {
      std::lock_guard mine(state);
    }
    worker_done_with_state.count_down();
  });
  worker_done_with_state.wait();
  {
    std::lock_guard held(state);
    worker.join();
  }
  const std::vector<report::Report> found = reports.of_kind(report::kJoinUnderLock);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(reports.count(), 1u);  // no deadlock
  const report::Report& r = found[0];
  EXPECT_NE(r.summary.find("is joined while state is held, and it takes state"), std::string::npos)
      << r.summary;
  ASSERT_EQ(r.edges.size(), 2u);
  std::string text = report::render_text(r);
  EXPECT_NE(text.find(" joined while holding state"), std::string::npos) << text;
  EXPECT_NE(text.find("state acquired in thread T"), std::string::npos) << text;
  EXPECT_NE(text.find(" joined at:"), std::string::npos) << text;
}

// Under another lock: the worker takes `outer`, then `state` under it; the join is made under
// `state`. The worker still needs `state` in its life.
TEST(Join, AJoinUnderALockTheJoinedThreadTakesUnderAnotherIsAPotentialDeadlock) {
  ReportCollector reports;
  mutex outer("outer"), state("state");
  thread worker([&] {
    std::lock_guard first(outer);
    std::lock_guard second(state);
  });
  std::this_thread::sleep_for(20ms);
  {
    std::lock_guard held(state);
    worker.join();
  }
  const std::vector<report::Report> found = reports.of_kind(report::kJoinUnderLock);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].summary.find("while state is held"), std::string::npos) << found[0].summary;
}

TEST(Join, AJoinHoldingOnlyLocksTheJoinedThreadNeverTakesIsSilent) {
  ReportCollector reports;
  mutex mine("mine"), theirs("theirs");
  thread worker([&] { std::lock_guard taken(theirs); });
  std::this_thread::sleep_for(20ms);
  {
    std::lock_guard held(mine);
    worker.join();
  }
  jthread stopped([&](std::stop_token stop) {
    while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
    std::lock_guard taken(theirs);
  });
  {
    std::lock_guard held(mine);  // the jthread's destructor joins under it
    jthread gone = std::move(stopped);
  }
  EXPECT_TRUE(reports.all().empty());
}

// The jthread's destructor joins: under the lock the thread takes once it is asked to stop.
TEST(Join, AJthreadDestroyedUnderTheLockItTakesWhenStoppedIsAPotentialDeadlock) {
  ReportCollector reports;
  mutex state("state");
  {
    jthread worker([&](std::stop_token stop) {
      {
        std::lock_guard once(state);
      }
      while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
    });
    std::this_thread::sleep_for(20ms);
    std::lock_guard held(state);
    jthread gone = std::move(worker);
  }
  EXPECT_EQ(reports.of_kind(report::kJoinUnderLock).size(), 1u);
}

}  // namespace
}  // namespace lockorder
