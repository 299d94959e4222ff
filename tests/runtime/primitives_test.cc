// How each primitive shapes the graph: SCENARIOS.md runtime 7-12.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "lockorder/lockorder.h"
#include "test_support.h"

namespace lockorder {
namespace {

using namespace std::chrono_literals;
using testing::ReportCollector;
using testing::ScopedOptions;

// Scenario 7, first half: a successful try_lock adds no edge into the try-locked lock.
TEST(TryLock, SucceededTryLockAddsNoEdgeIntoIt) {
  ReportCollector reports;
  mutex a("a"), b("b");
  {
    std::lock_guard ga(a);
    ASSERT_TRUE(b.try_lock());
    b.unlock();
  }
  testing::lock_pair(b, a);
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 7, second half: the try-locked lock is held, so edges lead out of it.
TEST(TryLock, TryLockedLockCountsAsHeld) {
  ReportCollector reports;
  mutex h("H"), g("G");
  std::thread([&] { testing::lock_pair(h, g); }).join();
  std::thread([&] {
    ASSERT_TRUE(g.try_lock());
    std::lock_guard gh(h);
    g.unlock();
  }).join();
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(report::cycle_text(found[0]), "H -> G -> H");
}

TEST(TryLock, FailedTryLockIsNotHeld) {
  ReportCollector reports;
  mutex a("a"), b("b");
  b.lock();  // held by this thread: another thread's try_lock fails
  std::thread([&] {
    std::lock_guard ga(a);
    EXPECT_FALSE(b.try_lock());
  }).join();
  b.unlock();
  testing::lock_pair(b, a);
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 8.
TEST(MultiLock, ScopedLockAndStdLockAddNoEdgesAmongTheirArguments) {
  ReportCollector reports;
  mutex a("a"), b("b");
  {
    std::scoped_lock both(a, b);
  }
  {
    std::scoped_lock both(b, a);
  }
  {
    std::lock(a, b);
    std::lock_guard ga(a, std::adopt_lock), gb(b, std::adopt_lock);
  }
  {
    std::lock(b, a);
    std::lock_guard ga(a, std::adopt_lock), gb(b, std::adopt_lock);
  }
  EXPECT_EQ(reports.count(), 0u);
}

TEST(MultiLock, ContendedScopedLocksInOppositeOrdersStayClean) {
  // Under contention std::lock backs off and retries, starting from the lock it failed to get:
  // still one blocking lock() at a time, with none of the others held.
  ReportCollector reports;
  mutex a("a"), b("b");
  int counter = 0;
  auto work = [&](bool forward) {
    for (int i = 0; i < 20000; ++i) {
      if (forward) {
        std::scoped_lock both(a, b);
        ++counter;
      } else {
        std::scoped_lock both(b, a);
        ++counter;
      }
    }
  };
  std::thread t1(work, true), t2(work, false);
  t1.join();
  t2.join();
  EXPECT_EQ(counter, 40000);
  EXPECT_EQ(reports.count(), 0u);
}

TEST(MultiLock, ScopedLockIsStillOrderedAgainstOtherLocks) {
  ReportCollector reports;
  mutex a("a"), b("b"), c("c");
  {
    std::scoped_lock both(a, b);
    std::lock_guard gc(c);  // a -> c and b -> c
  }
  {
    std::lock_guard gc(c);
    std::scoped_lock both(a, b);  // c -> a: closes a -> c -> a
  }
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

// Scenario 9.
TEST(Recursive, ReenteredThenNestedIsOrdered) {
  ReportCollector reports;
  recursive_mutex r("R");
  mutex b("B");
  {
    std::lock_guard g1(r), g2(r), g3(r);
    std::lock_guard gb(b);
  }
  testing::lock_pair(b, r);
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(report::cycle_text(found[0]), "R -> B -> R");
}

// Scenario 10.
TEST(Recursive, ReentryAloneIsClean) {
  ReportCollector reports;
  recursive_mutex r;
  recursive_timed_mutex rt;
  {
    std::lock_guard g1(r), g2(r), g3(r);
    ASSERT_TRUE(r.try_lock());
    r.unlock();
  }
  {
    std::lock_guard g1(rt);
    ASSERT_TRUE(rt.try_lock_for(1ms));
    rt.unlock();
  }
  EXPECT_EQ(reports.count(), 0u);
  EXPECT_TRUE(r.try_lock());  // fully released
  r.unlock();
}

// Scenario 11.
TEST(Shared, ReadThenWriteAgainstWriteThenRead) {
  ReportCollector reports;
  shared_mutex a("A"), b("B");
  {
    std::shared_lock ra(a);
    std::lock_guard wb(b);
  }
  {
    std::lock_guard wb(b);
    std::shared_lock ra(a);
  }
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].edges[0].from_mode, "shared");
}

TEST(Shared, ReadReadCycleIsIgnoredByDefault) {
  ReportCollector reports;
  shared_timed_mutex a("A"), b("B");
  testing::read_pair(a, b);
  testing::read_pair(b, a);
  EXPECT_EQ(reports.count(), 0u);
}

TEST(Shared, ReadReadCycleIsReportedWhenConfigured) {
  ScopedOptions opts("read_read_cycles=1");
  ReportCollector reports;
  shared_mutex a("A"), b("B");
  testing::read_pair(a, b);
  testing::read_pair(b, a);
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

TEST(Shared, ReadReadCycleBecomesRealWhenAWriterJoins) {
  ReportCollector reports;
  shared_mutex a("A"), b("B");
  testing::read_pair(a, b);
  testing::read_pair(b, a);
  EXPECT_EQ(reports.count(), 0u);
  {
    std::shared_lock ra(a);
    std::lock_guard wb(b);  // now a reader of A can wait for the writer's B
  }
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

TEST(Shared, RecursiveReadIsNotADoubleLock) {
  ReportCollector reports;
  shared_mutex a;
  std::shared_lock r1(a);
  std::shared_lock r2(a);
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 12: the wait re-acquires M while G is held.
TEST(ConditionVariable, WaitUnderAnotherLockOrdersThem) {
  ReportCollector reports;
  mutex g("G"), m("M");
  condition_variable cv;
  std::thread([&] {
    std::lock_guard gm(m);
    std::lock_guard gg(g);  // M -> G
  }).join();
  {
    std::unique_lock lm(m);
    std::lock_guard gg(g);  // M -> G (known)
    cv.wait_for(lm, 1ms);   // releases M, re-acquires it while G is held: G -> M
  }
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
}

TEST(ConditionVariable, WaitingAloneAddsNoEdgeFromTheMutex) {
  ReportCollector reports;
  mutex m("M"), other("other");
  condition_variable cv;
  bool ready = false;
  std::thread waiter([&] {
    std::unique_lock lm(m);
    cv.wait(lm, [&] { return ready; });
  });
  std::this_thread::sleep_for(5ms);
  {
    std::lock_guard go(other);  // taken while the waiter waits on M: no M -> other edge
  }
  {
    std::lock_guard lm(m);
    ready = true;
  }
  cv.notify_all();
  waiter.join();
  {
    std::lock_guard go(other);
    std::lock_guard lm(m);  // other -> M is the only order
  }
  EXPECT_EQ(reports.count(), 0u);
}

TEST(ConditionVariable, ProducerConsumerIsClean) {
  ReportCollector reports;
  mutex m;
  condition_variable cv;
  int items = 0, consumed = 0;
  std::thread consumer([&] {
    while (consumed < 1000) {
      std::unique_lock lk(m);
      cv.wait(lk, [&] { return items > 0; });
      --items;
      ++consumed;
    }
  });
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard lk(m);
      ++items;
    }
    cv.notify_one();
  }
  consumer.join();
  EXPECT_EQ(consumed, 1000);
  EXPECT_EQ(reports.count(), 0u);
}

TEST(ConditionVariable, AnyWorksWithEveryLockType) {
  ReportCollector reports;
  shared_mutex m;
  condition_variable_any cv;
  bool ready = false;
  std::thread waiter([&] {
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return ready; });
  });
  {
    std::lock_guard lk(m);
    ready = true;
  }
  cv.notify_all();
  waiter.join();
  EXPECT_EQ(reports.count(), 0u);
}

TEST(Timed, TimedLocksAreOrderedToo) {
  ReportCollector reports;
  timed_mutex a("a"), b("b");
  {
    std::unique_lock la(a, 10ms);
    std::unique_lock lb(b, 10ms);
  }
  {
    std::lock_guard lb(b);
    ASSERT_TRUE(a.try_lock_until(std::chrono::steady_clock::now() + 10ms));
    a.unlock();
  }
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

}  // namespace
}  // namespace lockorder
