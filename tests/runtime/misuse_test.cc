// Misuse and declared order: SCENARIOS.md runtime 17-20.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <semaphore>
#include <thread>

#include "lockorder/lockorder.h"
#include "test_support.h"

namespace lockorder {
namespace {

using namespace std::chrono_literals;
using testing::mentions;
using testing::ReportCollector;
using testing::ScopedOptions;

[[gnu::noinline]] void lock_twice(mutex& m) {
  m.lock();
  m.lock();  // hangs without lockorder
}

// Scenario 17: reported before it hangs, then the process ends (on_deadlock=exit).
TEST(DoubleLockDeathTest, ReportedAndTheProcessEndsInsteadOfHanging) {
  EXPECT_EXIT(
      {
        mutex m("config_mu");
        lock_twice(m);
      },
      ::testing::ExitedWithCode(66), "WARNING: lockorder: double-lock(.|\n)*config_mu");
}

TEST(DoubleLock, ThrowActionRaisesBeforeBlocking) {
  ScopedOptions opts("on_report=throw");
  ReportCollector reports;
  mutex m("m");
  std::lock_guard held(m);
  try {
    m.lock();
    FAIL() << "the second lock() should have thrown";
  } catch (const lock_order_error& e) {
    EXPECT_EQ(e.kind(), "double-lock");
  }
  auto found = reports.of_kind("double-lock");
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].sites.size(), 2u);
  EXPECT_EQ(found[0].sites[0].title, "first acquired at");
  EXPECT_TRUE(mentions(found[0].sites[0].stack, "ThrowActionRaisesBeforeBlocking"));
  EXPECT_TRUE(mentions(found[0].sites[1].stack, "ThrowActionRaisesBeforeBlocking"));
}

// A known order never stands for a double lock: once a lock of class Account was taken under
// another one, the same chain of keys (Account above Account) must still catch the holder of a
// taking it again.
TEST(DoubleLock, ALockOfAClassTakenAgainUnderItsOwnClass) {
  ReportCollector reports;
  mutex a({.name = "a", .lock_class = "Account"}), b({.name = "b", .lock_class = "Account"});
  for (int i = 0; i < 3; ++i) testing::lock_pair(a, b);  // reported once, then known
  ScopedOptions opts("on_report=throw");
  std::lock_guard held(a);
  EXPECT_THROW(a.lock(), lock_order_error);
  EXPECT_EQ(reports.of_kind("double-lock").size(), 1u);
}

// The same under another lock: a chain of three keys, and one of two (the shared set's).
TEST(DoubleLock, ALockOfAClassTakenAgainAboveAnotherLock) {
  ReportCollector reports;
  mutex outer("outer"), a({.name = "a", .lock_class = "Account"}),
      b({.name = "b", .lock_class = "Account"});
  for (int i = 0; i < 3; ++i) {
    std::lock_guard first(outer);
    testing::lock_pair(a, b);
  }
  ScopedOptions opts("on_report=throw");
  std::lock_guard first(outer);
  std::lock_guard held(a);
  EXPECT_THROW(a.lock(), lock_order_error);
  EXPECT_EQ(reports.of_kind("double-lock").size(), 1u);
}

TEST(DoubleLock, TimedSelfAcquisitionIsReportedButTimesOut) {
  ReportCollector reports;
  timed_mutex m("m");
  std::lock_guard held(m);
  EXPECT_FALSE(m.try_lock_for(5ms));
  EXPECT_EQ(reports.of_kind("double-lock").size(), 1u);
}

TEST(DoubleLock, WriteLockWhileHoldingReadIsADoubleLock) {
  ScopedOptions opts("on_report=throw");
  ReportCollector reports;
  shared_mutex m;
  std::shared_lock reader(m);
  EXPECT_THROW(m.lock(), lock_order_error);
  EXPECT_EQ(reports.of_kind("double-lock").size(), 1u);
}

TEST(DoubleLock, TryLockOfAHeldLockIsFine) {
  ReportCollector reports;
  mutex m;
  std::lock_guard held(m);
  EXPECT_FALSE(m.try_lock());
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 18.
TEST(UnlockOfUnheld, ReportedAndTheLockIsLeftAlone) {
  ReportCollector reports;
  mutex m("m");
  m.unlock();
  auto found = reports.of_kind("unlock-of-unheld-lock");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found[0].sites[0].stack, "ReportedAndTheLockIsLeftAlone"));
  EXPECT_TRUE(m.try_lock());  // still usable, and still free
  m.unlock();
  EXPECT_EQ(reports.count(), 1u);
}

// The C library releases a normal mutex whoever unlocks it, and so does lockorder (a mutex used
// as a binary semaphore works as it does natively); its holder no longer counts it as held, so
// taking it again is no double-lock (with on_report=throw, a false one would throw).
TEST(UnlockOfUnheld, ReleasingAnotherThreadsLockFreesIt) {
  ScopedOptions opts("on_report=throw");
  ReportCollector reports;
  mutex m("m"), other("other");
  m.lock();
  std::thread([&] { m.unlock(); }).join();
  auto found = reports.of_kind("unlock-of-unheld-lock");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].hint.find("the lock is free now") != std::string::npos) << found[0].hint;
  EXPECT_NO_THROW(m.lock());
  m.unlock();
  EXPECT_NO_THROW(testing::lock_pair(other, m));
  EXPECT_EQ(reports.count(), 1u);
}

// A recursive mutex refuses a release by a thread that does not own it: still held.
TEST(UnlockOfUnheld, AnotherThreadsRecursiveLockStaysHeld) {
  ReportCollector reports;
  recursive_mutex m("m");
  m.lock();
  std::thread([&] { m.unlock(); }).join();
  EXPECT_EQ(reports.of_kind("unlock-of-unheld-lock").size(), 1u);
  std::thread([&] { EXPECT_FALSE(m.try_lock()); }).join();
  m.unlock();
  EXPECT_EQ(reports.count(), 1u);
}

TEST(UnlockOfUnheld, OutOfOrderReleaseIsFine) {
  ReportCollector reports;
  mutex a, b;
  a.lock();
  b.lock();
  a.unlock();
  b.unlock();
  EXPECT_EQ(reports.count(), 0u);
}

[[gnu::noinline]] void delete_while_held(mutex* m) {
  m->lock();
  delete m;
}

// The crash this guards against: the held entry pointed to freed memory, and the next nested
// acquisition read it.
TEST(DestroyOfHeldLock, ReportedAndDroppedFromTheHeldLocks) {
  ReportCollector reports;
  delete_while_held(new mutex("doomed"));
  mutex outer("outer"), inner("inner");
  testing::lock_pair(outer, inner);
  auto found = reports.of_kind("destroy-of-held-lock");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locks[0].label, "doomed");
  ASSERT_EQ(found[0].sites.size(), 2u);
  EXPECT_EQ(found[0].sites[0].title, "acquired at");
  EXPECT_EQ(found[0].sites[1].title, "destroyed at");
  EXPECT_TRUE(mentions(found[0].sites[1].stack, "delete_while_held"));
  EXPECT_EQ(reports.count(), 1u);
}

// Destroyed by one thread while another holds it: that thread drops its record before it next
// reads its held locks.
TEST(DestroyOfHeldLock, HeldByAnotherThread) {
  ReportCollector reports;
  auto* doomed = new mutex("doomed");
  std::binary_semaphore held(0), destroyed(0);
  std::thread holder([&] {
    doomed->lock();
    held.release();
    destroyed.acquire();
    mutex outer("outer"), inner("inner");
    testing::lock_pair(outer, inner);
  });
  held.acquire();
  delete doomed;
  destroyed.release();
  holder.join();
  auto found = reports.of_kind("destroy-of-held-lock");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].summary.find("destroyed while held by T"), std::string::npos)
      << found[0].summary;
  EXPECT_EQ(reports.count(), 1u);
}

// A held lock's memory made into a new lock without its destructor: the new lock is free, so
// this thread's record of the old one is stale, and taking the new one is no double-lock.
TEST(DestroyOfHeldLock, NewLockAtAHeldLocksAddressIsNoDoubleLock) {
  ScopedOptions opts("on_report=throw");
  ReportCollector reports;
  alignas(mutex) unsigned char storage[sizeof(mutex)];
  auto* first = new (storage) mutex("first");
  first->lock();
  auto* second = new (storage) mutex("second");
  EXPECT_NO_THROW(second->lock());
  second->unlock();
  second->~mutex();
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 19.
TEST(Rank, LowerRankUnderHigherRankIsReportedAtOnce) {
  ReportCollector reports;
  mutex high({.name = "high", .rank = 20}), low({.name = "low", .rank = 10});
  testing::lock_pair(high, low);
  auto found = reports.of_kind("lock-hierarchy");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locks[0].label, "high");
  EXPECT_EQ(found[0].locks[1].label, "low");
  testing::lock_pair(high, low);
  EXPECT_EQ(reports.of_kind("lock-hierarchy").size(), 1u);  // once per pair
}

// A known chain spares the rank check (see KnownOrders): a chain learned through an unranked
// lock of a class must not stand for a ranked lock of that class.
TEST(Rank, ARankedLockIsCheckedUnderAChainAnUnrankedLockOfItsClassMade) {
  ReportCollector reports;
  mutex high({.name = "high", .rank = 20});
  mutex unranked({.name = "unranked", .lock_class = "bucket"});
  mutex ranked({.name = "ranked", .lock_class = "bucket", .rank = 10});
  for (int round = 0; round < 2; ++round) testing::lock_pair(high, unranked);
  {
    std::lock_guard alone(ranked);
  }  // its node key is set: the inline path may take it
  EXPECT_EQ(reports.count(), 0u);
  testing::lock_pair(high, ranked);
  auto found = reports.of_kind("lock-hierarchy");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locks[1].label, "bucket");
}

TEST(Rank, IncreasingRanksAreClean) {
  ReportCollector reports;
  mutex r10({.rank = 10}), r20({.rank = 20}), unranked;
  std::lock_guard a(r10);
  std::lock_guard b(unranked);
  std::lock_guard c(r20);
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 20.
TEST(OrderedLock, TakesLocksInCanonicalOrderWhateverTheArguments) {
  ReportCollector reports;
  mutex a("a"), b("b");
  {
    ordered_lock both(b, a);
  }
  {
    ordered_lock both(a, b);
  }
  {
    ordered_lock both(b, a);
    EXPECT_FALSE(a.try_lock());  // both are held
    EXPECT_FALSE(b.try_lock());
  }
  EXPECT_TRUE(a.try_lock());
  a.unlock();
  EXPECT_EQ(reports.count(), 0u);
}

TEST(OrderedLock, CalledWhileHoldingALaterLockIsReported) {
  ReportCollector reports;
  mutex a("a"), b("b"), later("later");
  {
    ordered_lock outer(later);
    ordered_lock inner(b, a);
  }
  auto found = reports.of_kind("lock-hierarchy");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locks[0].label, "later");
  EXPECT_EQ(found[0].locks[1].label, "a");
}

TEST(OrderedLock, ThrowActionTakesNothing) {
  ScopedOptions opts("on_report=throw");
  mutex a("a"), later("later");
  ordered_lock outer(later);
  EXPECT_THROW(ordered_lock inner(a), lock_order_error);
  EXPECT_TRUE(a.try_lock());  // not taken
  a.unlock();
}

TEST(OrderedLock, SameLockTwiceIsTakenOnce) {
  ReportCollector reports;
  mutex a;
  {
    ordered_lock twice(a, a);
  }
  EXPECT_EQ(reports.count(), 0u);
}

}  // namespace
}  // namespace lockorder
