// Semaphores in the wait-for graph (SCENARIOS W2, W7): a thread that waits on a semaphore while
// it holds a lock that every thread which released the semaphore before now waits for is
// blocked for good with them; the runtime reports the deadlock the moment all are blocked. A
// semaphore used as a counter with no lock around it, or one another releaser can still
// release, stays silent.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "lockorder/mutex.h"
#include "lockorder/runtime.h"
#include "lockorder/semaphore.h"
#include "lockorder/thread.h"
#include "lockorder/wait_for.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::ReportCollector;
using namespace std::chrono_literals;

constexpr const char* kSemaphoreDeadlock =
    "WARNING: lockorder: deadlock \\(2 threads blocked in a cycle: [^\n]*waits on ready, "
    "released before by T[0-9]+[^\n]*(.|\n)*waits on ready \\(blocked [0-9]+ ms\\), at(.|\n)*"
    "holds state, acquired at(.|\n)*SUMMARY: lockorder: deadlock";

// The producer posted once, so it is the semaphore's releaser; it posts again only after it
// takes `state`, which the consumer holds while it waits.
void consumer_holding_the_producers_lock(bool producer_blocks_first) {
  set_thread_name("consumer");
  mutex state("state");
  binary_semaphore ready(0, "ready");
  std::unique_lock held(state, std::defer_lock);
  thread producer([&] {
    set_thread_name("producer");
    ready.release();
    std::this_thread::sleep_for(producer_blocks_first ? 50ms : 150ms);
    std::lock_guard mine(state);
    ready.release();
  });
  ready.acquire();  // the first post
  held.lock();
  if (producer_blocks_first) std::this_thread::sleep_for(100ms);
  ready.acquire();  // the second never comes
  held.unlock();
  producer.join();
}

TEST(SemaphoreDeathTest, AWaitUnderTheLockItsOnlyReleaserWaitsForIsADeadlock) {
  EXPECT_EXIT(consumer_holding_the_producers_lock(true), ::testing::ExitedWithCode(66),
              kSemaphoreDeadlock);
}

TEST(SemaphoreDeathTest, AReleaserThatBlocksAfterTheWaitBeganClosesTheCycle) {
  EXPECT_EXIT(consumer_holding_the_producers_lock(false), ::testing::ExitedWithCode(66),
              kSemaphoreDeadlock);
}

// Nobody has released it, so no releaser is known and no deadlock can be told; a waiter that
// holds a lock is still shown to whoever asks what blocked threads wait for (the watchdog).
TEST(Semaphore, AWaiterHoldingALockIsShownEvenWithNoReleaserKnown) {
  ReportCollector reports;
  mutex state("state");
  binary_semaphore never(0, "never");
  thread waiter([&] {
    std::lock_guard held(state);
    never.acquire();
  });
  const std::vector<blocked_thread> shown = testing::shown_waiting_for("never");
  never.release();
  waiter.join();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].holds, std::vector<std::string>{"state"});
  EXPECT_TRUE(reports.all().empty());
}

TEST(Semaphore, ACounterWithNoLockAroundItIsSilent) {
  ReportCollector reports;
  counting_semaphore<> items(0, "items");
  thread producer([&] {
    for (int i = 0; i < 100; ++i) items.release();
  });
  for (int i = 0; i < 100; ++i) items.acquire();
  producer.join();
  EXPECT_TRUE(reports.all().empty());
}

// One releaser is blocked on the waiter's lock, but another is running and releases it.
TEST(Semaphore, AnotherReleaserThatRunsKeepsTheWaitAlive) {
  ReportCollector reports;
  mutex state("state");
  binary_semaphore ready(0, "ready");
  thread blocked([&] {
    ready.release();
    std::this_thread::sleep_for(50ms);
    std::lock_guard mine(state);
  });
  ready.acquire();
  thread running([&] {
    ready.release();
    ready.acquire();
    std::this_thread::sleep_for(150ms);
    ready.release();  // the one the waiter gets
  });
  std::this_thread::sleep_for(20ms);
  {
    std::lock_guard held(state);
    ready.acquire();
  }
  running.join();
  blocked.join();
  EXPECT_TRUE(reports.all().empty());
}

// The releaser posts, then at once needs the lock the waiter holds: the waiter has a count to
// take and will release the lock, though it may not have woken yet when the releaser blocks.
TEST(Semaphore, AReleaseTheWaiterHasYetToNoticeIsNoDeadlock) {
  ReportCollector reports;
  mutex state("state");
  for (int round = 0; round < 50; ++round) {
    binary_semaphore ready(0, "ready");
    std::unique_lock held(state);
    thread producer([&] {
      std::this_thread::sleep_for(2ms);
      ready.release();
      std::lock_guard mine(state);
    });
    ready.acquire();
    held.unlock();
    producer.join();
  }
  EXPECT_TRUE(reports.all().empty());
}

// A timed wait ends by itself: never part of a deadlock, and shown only to a watchdog that asked
// for every wait, marked as timed.
TEST(Semaphore, ATimedWaitIsShownOnlyWhenEveryWaitIsAskedFor) {
  ReportCollector reports;
  mutex state("state");
  binary_semaphore never(0, "never");
  auto shown_while_waiting = [&] {
    thread waiter([&] {
      std::lock_guard held(state);
      EXPECT_FALSE(never.try_acquire_for(300ms));
    });
    std::vector<blocked_thread> shown = testing::shown_waiting_for("never");
    waiter.join();
    return shown;
  };
  EXPECT_TRUE(shown_while_waiting().empty());
  publish_every_wait(true);
  const std::vector<blocked_thread> shown = shown_while_waiting();
  publish_every_wait(false);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_TRUE(shown[0].timed);
  EXPECT_FALSE(shown[0].can_give_up);
  EXPECT_EQ(shown[0].holds, std::vector<std::string>{"state"});
  EXPECT_TRUE(reports.all().empty());
}

}  // namespace
}  // namespace lockorder
