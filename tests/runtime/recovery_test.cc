// Deadlock recovery and the live wait-for view (lockorder/wait_for.h): a resolver picks a victim
// whose blocked acquisition throws deadlock_victim; the others proceed.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "lockorder/condition_variable.h"
#include "lockorder/mutex.h"
#include "lockorder/runtime.h"
#include "lockorder/semaphore.h"
#include "lockorder/wait_for.h"
#include "test_support.h"

namespace lockorder {
namespace {

using namespace std::chrono_literals;
using testing::deadlock_ring;
using testing::ReportCollector;
using testing::RingOutcome;

// Uninstalls the resolver when the test ends, whatever happens.
class ScopedResolver {
 public:
  explicit ScopedResolver(deadlock_resolver resolver) {
    set_deadlock_resolver(std::move(resolver));
  }
  ~ScopedResolver() { set_deadlock_resolver({}); }
};

// The index of the cycle member whose thread name contains `name`.
std::optional<std::size_t> member_named(const std::vector<blocked_thread>& cycle,
                                        const std::string& name) {
  for (std::size_t i = 0; i < cycle.size(); ++i)
    if (cycle[i].thread.find(name) != std::string::npos) return i;
  return std::nullopt;
}

// The thread that closes the cycle is chosen: it fails at once, before it blocks.
TEST(DeadlockRecovery, VictimThatClosedTheCycleFailsAndTheOthersProceed) {
  ReportCollector reports;
  std::atomic<int> asked{0};
  ScopedResolver resolver([&](const std::vector<blocked_thread>& cycle) {
    ++asked;
    EXPECT_EQ(cycle.size(), 2u);
    return member_named(cycle, "ring1");
  });
  RingOutcome outcome = deadlock_ring(2, 1);
  EXPECT_EQ(asked.load(), 1);
  EXPECT_EQ(outcome.victim, (std::vector<bool>{false, true}));
  EXPECT_EQ(outcome.completed, (std::vector<bool>{true, false}));
  auto deadlocks = reports.of_kind("deadlock");
  ASSERT_EQ(deadlocks.size(), 1u);
  EXPECT_NE(deadlocks[0].hint.find("'ring1' was chosen as the victim"), std::string::npos)
      << deadlocks[0].hint;
}

// A thread already blocked is chosen: its polling wait notices and fails.
TEST(DeadlockRecovery, VictimAlreadyBlockedGivesUpItsWait) {
  ScopedResolver resolver(
      [](const std::vector<blocked_thread>& cycle) { return member_named(cycle, "ring0"); });
  RingOutcome outcome = deadlock_ring(3, 2);
  EXPECT_EQ(outcome.victim, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(outcome.completed, (std::vector<bool>{false, true, true}));
}

// The resolver sees the cycle in wait order, with thread ids and what each holds.
TEST(DeadlockRecovery, ResolverSeesTheCycleInWaitOrder) {
  std::vector<blocked_thread> seen;
  ScopedResolver resolver([&](const std::vector<blocked_thread>& cycle) {
    seen = cycle;
    return std::optional<std::size_t>(0);
  });
  deadlock_ring(2, 1);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[0].thread.find("ring1"), std::string::npos);  // the one that closed it first
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const blocked_thread& next = seen[(i + 1) % seen.size()];
    EXPECT_GT(seen[i].thread_id, 0);
    ASSERT_EQ(seen[i].holds.size(), 1u);
    EXPECT_EQ(seen[i].waits_for, next.holds[0]);
    EXPECT_EQ(seen[i].blocked_by, std::vector<int>{next.thread_id});
  }
}

// A writer blocked by a reader that waits for the writer's other lock: the reader is the victim
// (its shared wait polls through the rwlock).
TEST(DeadlockRecovery, ReaderOfASharedMutexCanBeTheVictim) {
  ScopedResolver resolver(
      [](const std::vector<blocked_thread>& cycle) { return member_named(cycle, "reader"); });
  shared_mutex table("table");
  mutex journal("journal");
  std::barrier both_hold(2);
  std::atomic<bool> reader_failed{false};
  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    set_thread_name("writer");
    std::lock_guard j(journal);
    both_hold.arrive_and_wait();
    std::lock_guard t(table);
    writer_done = true;
  });
  std::thread reader([&] {
    set_thread_name("reader");
    std::shared_lock read(table);
    both_hold.arrive_and_wait();
    std::this_thread::sleep_for(50ms);
    try {
      std::lock_guard j(journal);
    } catch (const deadlock_victim&) {
      reader_failed = true;
    }
  });
  writer.join();
  reader.join();
  EXPECT_TRUE(reader_failed);
  EXPECT_TRUE(writer_done);
}

// 'sleeper' holds `outer` and waits on a condition variable with `inner`, never signalled
// before 'taker' takes `inner` and then `outer`: a cycle of a condition wait (which cannot return
// without `inner`) and a blocked acquisition. Returns whether 'taker' was the victim; then the
// condition is signalled and 'sleeper' returns.
bool condition_wait_cycle() {
  mutex outer("outer"), inner("inner");
  condition_variable signal;
  bool signalled = false;
  bool taker_failed = false;
  std::thread sleeper([&] {
    set_thread_name("sleeper");
    std::lock_guard o(outer);
    std::unique_lock i(inner);
    signal.wait(i, [&] { return signalled; });
  });
  // Published from the moment it waits, as a thread waiting for `inner`.
  auto sleeping = [] {
    for (const blocked_thread& t : blocked_threads())
      if (t.thread.find("sleeper") != std::string::npos && t.kind == wait_kind::condition)
        return true;
    return false;
  };
  auto signal_sleeper = [&] {
    {
      std::lock_guard i(inner);
      signalled = true;
    }
    signal.notify_all();
    sleeper.join();
  };
  for (auto give_up = std::chrono::steady_clock::now() + 10s; !sleeping();) {
    if (std::chrono::steady_clock::now() > give_up) {
      ADD_FAILURE() << "the condition wait was never published";
      signal_sleeper();
      return false;
    }
    std::this_thread::sleep_for(1ms);
  }
  std::thread taker([&] {
    set_thread_name("taker");
    std::lock_guard i(inner);
    try {
      std::lock_guard o(outer);
    } catch (const deadlock_victim&) {
      taker_failed = true;
    }
  });
  taker.join();
  signal_sleeper();
  return taker_failed;
}

TEST(DeadlockRecovery, AConditionWaitHoldingALockWaitsForItsMutex) {
  ReportCollector reports;
  std::vector<blocked_thread> seen;
  ScopedResolver resolver([&](const std::vector<blocked_thread>& cycle) {
    seen = cycle;
    return member_named(cycle, "taker");
  });
  EXPECT_TRUE(condition_wait_cycle());
  ASSERT_EQ(seen.size(), 2u);
  const std::size_t sleeper = *member_named(seen, "sleeper"), taker = 1 - sleeper;
  EXPECT_EQ(seen[sleeper].kind, wait_kind::condition);
  EXPECT_EQ(seen[sleeper].waits_for, "inner");
  EXPECT_EQ(seen[sleeper].holds, std::vector<std::string>{"outer"});
  EXPECT_EQ(seen[taker].kind, wait_kind::lock);
  EXPECT_EQ(seen[taker].waits_for, "outer");
  auto deadlocks = reports.of_kind("deadlock");
  ASSERT_EQ(deadlocks.size(), 1u);
  EXPECT_NE(deadlocks[0].summary.find("waits for inner (to return from a condition wait) held by"),
            std::string::npos)
      << deadlocks[0].summary;
}

// The thread in the condition wait cannot give up its native wait: choosing it is refused.
TEST(DeadlockRecoveryDeathTest, AConditionWaitCannotBeTheVictim) {
  EXPECT_EXIT(
      {
        set_deadlock_resolver([](const std::vector<blocked_thread>& cycle) {
          return member_named(cycle, "sleeper");
        });
        condition_wait_cycle();
      },
      ::testing::ExitedWithCode(66),
      "deadlock \\(2 threads blocked in a cycle(.|\n)*waits on a condition variable, then for "
      "inner");
}

TEST(DeadlockRecoveryDeathTest, NoVictimChosenLeavesTheDeadlockToOnDeadlock) {
  EXPECT_EXIT(
      {
        set_deadlock_resolver([](const std::vector<blocked_thread>&) { return std::nullopt; });
        deadlock_ring(2, 1);
      },
      ::testing::ExitedWithCode(66), "deadlock");
}

// With publish_every_wait, a thread that holds nothing and waits is visible, with its lock.
TEST(WaitForView, EveryWaitIsPublishedOnRequest) {
  publish_every_wait(true);
  mutex config("config");
  std::atomic<bool> waiter_done{false};
  std::vector<blocked_thread> seen;
  std::unique_lock hold(config);
  std::thread waiter([&] {
    set_thread_name("waiter");
    std::lock_guard wait(config);
    waiter_done = true;
  });
  for (int i = 0; i < 2000 && seen.empty(); ++i) {
    std::this_thread::sleep_for(1ms);
    seen = blocked_threads();
  }
  hold.unlock();
  waiter.join();
  EXPECT_TRUE(waiter_done);
  publish_every_wait(false);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_NE(seen[0].thread.find("waiter"), std::string::npos);
  EXPECT_EQ(seen[0].waits_for, "config");
  EXPECT_TRUE(seen[0].holds.empty());
  EXPECT_TRUE(seen[0].blocked_by.empty());  // the holder runs: it is not blocked
}

}  // namespace
}  // namespace lockorder

namespace lockorder {
namespace {

// Two threads take two locks in opposite orders many times over, retrying when chosen: every
// deadlock they fall into is broken, and both finish.
TEST(DeadlockRecovery, EveryRepeatedDeadlockIsBroken) {
  std::atomic<int> resolved{0};
  ScopedResolver resolver([&](const std::vector<blocked_thread>&) {
    ++resolved;
    return std::optional<std::size_t>(0);
  });
  mutex orders("orders"), inventory("inventory");
  std::atomic<int> victims{0};
  auto work = [&victims](mutex& first, mutex& second, int rounds) {
    for (int done = 0; done < rounds;) {
      try {
        std::lock_guard a(first);
        std::lock_guard b(second);
        ++done;
      } catch (const deadlock_victim&) {
        ++victims;
      }
    }
  };
  std::thread t1(work, std::ref(orders), std::ref(inventory), 2000);
  std::thread t2(work, std::ref(inventory), std::ref(orders), 2000);
  t1.join();
  t2.join();
  EXPECT_EQ(victims.load(), resolved.load());  // each deadlock broken by exactly one failure
}

// A wait beyond locks that polls can give up too: the consumer waits on a semaphore while it
// holds the lock its only releaser needs; chosen, its acquire() throws and the producer proceeds.
TEST(DeadlockRecovery, ASemaphoreWaiterCanBeTheVictim) {
  std::vector<blocked_thread> seen;
  ScopedResolver resolver([&](const std::vector<blocked_thread>& cycle) {
    seen = cycle;
    return member_named(cycle, "consumer");
  });
  mutex state("state");
  binary_semaphore ready(0, "ready");
  std::atomic<bool> producer_done{false};
  std::thread producer([&] {
    set_thread_name("producer");
    ready.release();
    std::this_thread::sleep_for(50ms);
    std::lock_guard mine(state);
    ready.release();
    producer_done = true;
  });
  bool gave_up = false;
  set_thread_name("consumer");
  ready.acquire();
  try {
    std::lock_guard held(state);
    ready.acquire();
  } catch (const deadlock_victim&) {
    gave_up = true;
  }
  producer.join();
  EXPECT_TRUE(gave_up);
  EXPECT_TRUE(producer_done);
  ASSERT_EQ(seen.size(), 2u);
  const auto consumer = member_named(seen, "consumer");
  ASSERT_TRUE(consumer);
  EXPECT_EQ(seen[*consumer].kind, wait_kind::semaphore);
  EXPECT_TRUE(seen[*consumer].can_give_up);
}

}  // namespace
}  // namespace lockorder
