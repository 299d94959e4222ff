// Thread pools in the wait-for graph (SCENARIOS W5, W7): a task that waits on the future of a
// task still queued behind it, while every worker runs a task that is blocked for good, starves
// the pool; the runtime reports it, with the task each worker runs, the moment the last worker
// blocks. A task that waits for one a free worker can run stays silent.
#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "lockorder/mutex.h"
#include "lockorder/runtime.h"
#include "lockorder/thread_pool.h"
#include "lockorder/wait_for.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::ReportCollector;
using namespace std::chrono_literals;

// Each of `workers` tasks waits, once all of them run, for a task it submits (queued behind).
void starve(std::size_t workers) {
  thread_pool pool(workers, "io");
  std::latch all_running(static_cast<std::ptrdiff_t>(workers));
  std::vector<future<int>> outer;
  for (std::size_t i = 0; i < workers; ++i)
    outer.push_back(pool.submit([&pool, &all_running] {
      all_running.arrive_and_wait();
      return pool.submit([] { return 1; }).get();
    }));
  for (future<int>& f : outer) f.get();
}

TEST(ThreadPoolDeathTest, TasksThatWaitForTasksQueuedBehindThemStarveThePool) {
  EXPECT_EXIT(
      starve(2), ::testing::ExitedWithCode(66),
      "deadlock \\(2 threads blocked in a cycle: T[0-9]+[^\n]* waits for the future of task "
      "#[34] of pool io, queued behind [01] tasks? on 2 workers \\(T[0-9]+[^\n]* runs "
      "task #[12], T[0-9]+[^\n]* runs task #[12]\\), which waits for the future of task "
      "#[34] of pool io"
      "(.|\n)*every worker of the pool runs a task that waits");
}

TEST(ThreadPoolDeathTest, ATaskThatWaitsForOneQueuedBehindItOnTheOnlyWorkerStarvesIt) {
  EXPECT_EXIT(starve(1), ::testing::ExitedWithCode(66),
              "deadlock \\(1 thread blocked in a cycle: T[0-9]+[^\n]* waits for the future of task "
              "#2 of pool io, queued behind 0 tasks on 1 worker \\(T[0-9]+[^\n]* runs task #1\\)");
}

// The caller holds `totals`, which the running task needs.
void wait_for_a_pool_task_under_its_lock() {
  set_thread_name("caller");
  mutex totals("totals");
  thread_pool pool(1, "io");
  std::lock_guard held(totals);
  future<int> sum = pool.submit([&] {
    std::lock_guard mine(totals);
    return 42;
  });
  std::this_thread::sleep_for(50ms);
  sum.get();
}

TEST(ThreadPoolDeathTest, AWaitUnderTheLockTheRunningTaskNeedsIsADeadlock) {
  EXPECT_EXIT(wait_for_a_pool_task_under_its_lock(), ::testing::ExitedWithCode(66),
              "deadlock \\(2 threads blocked in a cycle: [^\n]*task #1 of pool io, which "
              "T[0-9]+ runs(.|\n)*holds totals, acquired at");
}

TEST(ThreadPool, ATaskThatWaitsForOneAFreeWorkerRunsIsSilent) {
  ReportCollector reports;
  thread_pool pool(2, "io");
  future<int> outer = pool.submit([&pool] { return pool.submit([] { return 41; }).get() + 1; });
  EXPECT_EQ(outer.get(), 42);
  EXPECT_TRUE(reports.all().empty());
}

TEST(ThreadPool, RunsEveryTaskInOrderAndCarriesResultsAndExceptions) {
  ReportCollector reports;
  std::vector<int> order;
  mutex order_lock("order");
  std::vector<future<void>> done;
  {
    thread_pool pool(1);
    for (int i = 0; i < 20; ++i)
      done.push_back(pool.submit(
          [&](int k) {
            std::lock_guard held(order_lock);
            order.push_back(k);
          },
          i));
    future<int> failing = pool.submit([]() -> int { throw std::runtime_error("boom"); });
    EXPECT_THROW(failing.get(), std::runtime_error);
    shared_future<int> shared = pool.submit([] { return 7; }).share();
    shared_future<int> copy = shared;
    EXPECT_EQ(shared.get(), 7);
    EXPECT_EQ(copy.get(), 7);
  }  // the destructor ran whatever was still queued
  ASSERT_EQ(order.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  EXPECT_TRUE(reports.all().empty());
  EXPECT_THROW(thread_pool(0), std::invalid_argument);
}

TEST(ThreadPool, AQueuedWaitIsShownWithTheTaskEachWorkerRuns) {
  ReportCollector reports;
  thread_pool pool(1, "io");
  std::latch release(1);
  future<void> blocker = pool.submit([&release] { release.wait(); });
  future<int> queued = pool.submit([] { return 1; });
  thread waiter([&] { queued.wait(); });
  const std::vector<blocked_thread> shown =
      testing::shown_waiting_for("the future of task #2 of pool io");
  release.count_down();
  waiter.join();
  blocker.get();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_NE(shown[0].waits_for.find("queued behind 0 tasks on 1 worker (T"), std::string::npos)
      << shown[0].waits_for;
  EXPECT_NE(shown[0].waits_for.find(" runs task #1)"), std::string::npos) << shown[0].waits_for;
  EXPECT_TRUE(reports.all().empty());
}

// The worker finishes the awaited task, then starts one that needs the waiter's lock: the
// waiter has its result, though it may not have woken yet when the worker blocks.
TEST(ThreadPool, AFinishedTaskWhoseWorkerBlocksNextIsNoDeadlock) {
  ReportCollector reports;
  mutex state("state");
  thread_pool pool(1, "io");
  for (int round = 0; round < 50; ++round) {
    std::unique_lock held(state);
    future<int> first = pool.submit([] {
      std::this_thread::sleep_for(1ms);
      return 1;
    });
    future<void> second = pool.submit([&] { std::lock_guard mine(state); });
    EXPECT_EQ(first.get(), 1);
    held.unlock();
    second.get();
  }
  EXPECT_TRUE(reports.all().empty());
}

}  // namespace
}  // namespace lockorder
