// Condition variables whose notifier is blocked (SCENARIOS W6, W7): an event (a flag and a
// condition variable) that a thread waits for while it holds a lock that every thread which could
// set it waits for is never set; the runtime reports the deadlock instead of hanging, with
// lockorder::condition_variable and with condition_variable_any over a lock it does not know.
// An event set by a thread that needs none of the waiter's locks, or waited for with nothing
// held or with a timeout, stays silent.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "lockorder/condition_variable.h"
#include "lockorder/mutex.h"
#include "lockorder/runtime.h"
#include "lockorder/thread.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::ReportCollector;
using namespace std::chrono_literals;

constexpr const char* kEventDeadlock =
    "WARNING: lockorder: deadlock \\(2 threads blocked in a cycle: [^\n]*waits on started for a "
    "notification that no other thread can send, T[0-9]+[^\n]* among them \\(every one of them "
    "is blocked\\)(.|\n)*holds state, acquired at(.|\n)*every thread which could notify it";

// The setter takes `state` before it sets the event; the waiter holds `state` while it waits.
template <class Event, class EventLock>
void wait_for_an_event_under_the_setters_lock(bool setter_blocks_first) {
  set_thread_name("waiter");
  mutex state("state");
  EventLock guard;
  Event started("started");
  bool set = false;
  std::unique_lock held(state);
  thread setter([&] {
    set_thread_name("setter");
    if (!setter_blocks_first) std::this_thread::sleep_for(100ms);
    std::lock_guard mine(state);
    {
      std::lock_guard flag(guard);
      set = true;
    }
    started.notify_all();
  });
  if (setter_blocks_first) std::this_thread::sleep_for(100ms);
  std::unique_lock flag(guard);
  started.wait(flag, [&] { return set; });
  flag.unlock();
  held.unlock();
  setter.join();
}

TEST(EventDeathTest, AWaitUnderTheLockItsSetterWaitsForIsADeadlock) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT((wait_for_an_event_under_the_setters_lock<condition_variable, mutex>(true)),
              ::testing::ExitedWithCode(66), kEventDeadlock);
}

TEST(EventDeathTest, ASetterThatBlocksAfterTheWaitBeganClosesTheCycle) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT((wait_for_an_event_under_the_setters_lock<condition_variable, mutex>(false)),
              ::testing::ExitedWithCode(66), kEventDeadlock);
}

TEST(EventDeathTest, AConditionVariableAnyOverAForeignLockIsSeenToo) {
  LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS();
  EXPECT_EXIT((wait_for_an_event_under_the_setters_lock<condition_variable_any, std::mutex>(true)),
              ::testing::ExitedWithCode(66), kEventDeadlock);
}

TEST(Event, ASetterThatNeedsNoneOfTheWaitersLocksIsSilent) {
  ReportCollector reports;
  mutex state("state"), other("other"), guard("guard");
  condition_variable started("started");
  bool set = false;
  std::unique_lock held(state);
  thread setter([&] {
    std::this_thread::sleep_for(20ms);
    std::lock_guard mine(other);
    {
      std::lock_guard flag(guard);
      set = true;
    }
    started.notify_all();
  });
  {
    std::unique_lock flag(guard);
    started.wait(flag, [&] { return set; });
  }
  held.unlock();
  setter.join();
  EXPECT_TRUE(reports.all().empty());
}

TEST(Event, AWaitHoldingNothingElseOrWithATimeoutIsSilent) {
  ReportCollector reports;
  mutex state("state");
  std::mutex guard;
  condition_variable_any started("started");
  bool set = false;
  thread setter([&] {
    std::this_thread::sleep_for(20ms);
    std::lock_guard mine(state);
    {
      std::lock_guard flag(guard);
      set = true;
    }
    started.notify_all();
  });
  {
    std::unique_lock flag(guard);
    started.wait(flag, [&] { return set; });  // holds nothing lockorder knows
  }
  setter.join();
  {
    std::lock_guard held(state);
    std::unique_lock flag(guard);
    EXPECT_EQ(started.wait_for(flag, 20ms), std::cv_status::timeout);
  }
  EXPECT_TRUE(reports.all().empty());
}

}  // namespace
}  // namespace lockorder
