// Real deadlocks (scenario 16): threads that block in a cycle are reported as `deadlock` the
// moment the cycle closes, and the process ends instead of hanging (on_deadlock=exit).
#include <gtest/gtest.h>

#include <barrier>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "lockorder/mutex.h"
#include "lockorder/runtime.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::deadlock_ring;
using testing::ReportCollector;

TEST(DeadlockDeathTest, TwoThreadsBlockedInACycleEndTheProcessWithAReport) {
  EXPECT_EXIT(deadlock_ring(2, 1), ::testing::ExitedWithCode(66),
              "WARNING: lockorder: deadlock \\(2 threads blocked in a cycle: T[0-9]+ 'ring[01]' "
              "waits for M[0-9]+ held by T[0-9]+ 'ring[01]', which waits for M[0-9]+ held by "
              "T[0-9]+ 'ring[01]'\\)(.|\n)*ms\\), at(.|\n)*deadlock_ring(.|\n)*"
              "holds M[0-9]+, acquired at(.|\n)*SUMMARY: lockorder: deadlock");
}

TEST(DeadlockDeathTest, ThreeThreadRingIsReportedInWaitOrder) {
  EXPECT_EXIT(deadlock_ring(3, 2), ::testing::ExitedWithCode(66),
              "3 threads blocked in a cycle(.|\n)*ring(.|\n)*ring(.|\n)*ring");
}

// A writer blocked by a reader that waits for the writer's other lock.
TEST(DeadlockDeathTest, WriterBlockedByAReaderThatWaitsForIt) {
  EXPECT_EXIT(
      {
        shared_mutex table("table");
        mutex journal("journal");
        std::barrier both_hold(2);
        std::thread reader([&] {
          std::shared_lock read(table);
          both_hold.arrive_and_wait();
          std::lock_guard write(journal);
        });
        std::thread writer([&] {
          std::lock_guard write(journal);
          both_hold.arrive_and_wait();
          std::lock_guard exclusive(table);
        });
        reader.join();
        writer.join();
      },
      ::testing::ExitedWithCode(66), "deadlock(.|\n)*holds table \\(shared\\)");
}

TEST(Deadlock, ContendedNestedLocksInOneOrderAreNoDeadlock) {
  ReportCollector reports;
  mutex outer("outer"), inner("inner");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        std::lock_guard a(outer);
        std::lock_guard b(inner);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(reports.count(), 0u);
}

TEST(Deadlock, TimedAcquisitionsThatTimeOutAreOnlyAnInversion) {
  ReportCollector reports;
  timed_mutex a("timed_a"), b("timed_b");
  std::barrier both_hold(2);
  auto take = [&](timed_mutex& first, timed_mutex& second) {
    std::lock_guard held(first);
    both_hold.arrive_and_wait();
    EXPECT_FALSE(second.try_lock_for(std::chrono::milliseconds(100)));
    both_hold.arrive_and_wait();
  };
  std::thread t1(take, std::ref(a), std::ref(b));
  std::thread t2(take, std::ref(b), std::ref(a));
  t1.join();
  t2.join();
  EXPECT_TRUE(reports.of_kind("deadlock").empty());
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

}  // namespace
}  // namespace lockorder
