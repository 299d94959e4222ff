// Futures in the wait-for graph (SCENARIOS W4, W7): a thread that waits on the future of a task
// while it holds a lock the task's thread waits for is blocked for good with it; the runtime
// reports the deadlock the moment both are blocked, whichever blocks first. A wait that holds
// nothing, or nothing the task needs, stays silent.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "lockorder/future.h"
#include "lockorder/mutex.h"
#include "lockorder/runtime.h"
#include "lockorder/thread.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::ReportCollector;
using namespace std::chrono_literals;

constexpr const char* kFutureDeadlock =
    "WARNING: lockorder: deadlock \\(2 threads blocked in a cycle: [^\n]*waits for the future of "
    "a task that T[0-9]+[^\n]* runs(.|\n)*waits for the future of a task on "
    "T[0-9]+[^\n]*\\(blocked "
    "[0-9]+ ms\\), at(.|\n)*holds totals, acquired at(.|\n)*SUMMARY: lockorder: deadlock";

// The task needs `totals` to compute its result; the caller holds it while it waits.
int wait_under_the_tasks_lock(std::chrono::milliseconds task_delay,
                              std::chrono::milliseconds caller_delay) {
  set_thread_name("caller");
  mutex totals("totals");
  std::lock_guard held(totals);
  future<int> sum = async([&] {
    std::this_thread::sleep_for(task_delay);
    std::lock_guard mine(totals);
    return 42;
  });
  std::this_thread::sleep_for(caller_delay);
  return sum.get();
}

TEST(FutureDeathTest, AWaitUnderTheLockTheBlockedTaskNeedsIsADeadlock) {
  EXPECT_EXIT(wait_under_the_tasks_lock(0ms, 100ms), ::testing::ExitedWithCode(66),
              kFutureDeadlock);
}

TEST(FutureDeathTest, ATaskThatBlocksAfterTheWaitBeganClosesTheCycle) {
  EXPECT_EXIT(wait_under_the_tasks_lock(100ms, 0ms), ::testing::ExitedWithCode(66),
              kFutureDeadlock);
}

TEST(Future, AWaitThatHoldsNothingIsSilent) {
  ReportCollector reports;
  mutex totals("totals");
  future<int> sum = async([&] {
    std::lock_guard mine(totals);
    return 42;
  });
  EXPECT_EQ(sum.get(), 42);
  EXPECT_TRUE(reports.all().empty());
}

TEST(Future, AWaitUnderALockTheTaskDoesNotNeedIsSilent) {
  ReportCollector reports;
  mutex mine("mine"), theirs("theirs");
  std::lock_guard held(mine);
  future<int> sum = async(
      [&](int base) {
        std::this_thread::sleep_for(20ms);
        std::lock_guard taken(theirs);
        return base + 1;
      },
      41);
  EXPECT_EQ(sum.get(), 42);
  EXPECT_TRUE(reports.all().empty());
}

// A promise: whoever sets it is any thread that does not wait on its future. The setter needs
// `totals` before it sets the value; the caller holds it while it waits.
void wait_for_a_promise_under_the_setters_lock() {
  set_thread_name("caller");
  mutex totals("totals");
  promise<int> sum("sum");
  future<int> result = sum.get_future();
  std::lock_guard held(totals);
  thread setter([&] {
    std::lock_guard mine(totals);
    sum.set_value(42);
  });
  std::this_thread::sleep_for(50ms);
  result.get();
  setter.join();
}

TEST(FutureDeathTest, AWaitUnderTheLockAPromisesOnlySetterNeedsIsADeadlock) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT(wait_for_a_promise_under_the_setters_lock(), ::testing::ExitedWithCode(66),
              "deadlock \\(2 threads blocked in a cycle: [^\n]*waits for the future of sum, "
              "which no other thread can set now, T[0-9]+[^\n]* among them(.|\n)*holds totals, "
              "acquired at(.|\n)*every thread which could set the promise");
}

TEST(Future, APromiseSetByAThreadThatNeedsNoneOfTheWaitersLocksIsSilent) {
  ReportCollector reports;
  mutex totals("totals");
  promise<int> sum("sum");
  shared_future<int> result = sum.get_future().share();
  std::lock_guard held(totals);
  thread setter([&] {
    std::this_thread::sleep_for(20ms);
    sum.set_value(42);
  });
  EXPECT_EQ(result.get(), 42);
  setter.join();
  EXPECT_TRUE(reports.all().empty());
}

// The setter sets the value, then at once needs the waiter's lock: the waiter has its value,
// though it may not have woken yet when the setter blocks. A promise broken ends the wait too.
TEST(Future, APromiseSetBeforeItsSetterBlocksIsNoDeadlock) {
  ReportCollector reports;
  mutex totals("totals");
  for (int round = 0; round < 50; ++round) {
    promise<void> done("done");
    future<void> finished = done.get_future();
    std::unique_lock held(totals);
    thread setter([&] {
      std::this_thread::sleep_for(1ms);
      done.set_value();
      std::lock_guard mine(totals);
    });
    finished.get();
    held.unlock();
    setter.join();
  }
  future<int> broken;
  {
    promise<int> never("never");
    broken = never.get_future();
  }
  EXPECT_THROW(broken.get(), std::future_error);
  EXPECT_TRUE(reports.all().empty());
}

}  // namespace
}  // namespace lockorder
