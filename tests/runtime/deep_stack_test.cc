// A thread that holds many locks at once: the edges and the work per acquisition do not grow
// with the depth (see HeldStack), and no cycle is lost for it: through a try-locked entry, after
// releases out of order, under a gate.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lockorder/lockorder.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::lock_pair;
using testing::ReportCollector;

// Locks named "L0", "L1", ...: a lock keeps its name's pointer, so the names live as long as the
// test program.
std::vector<std::unique_ptr<mutex>> make_locks(std::size_t n) {
  static std::deque<std::string> names;
  std::vector<std::unique_ptr<mutex>> locks;
  for (std::size_t i = 0; i < n; ++i) {
    names.push_back("L" + std::to_string(i));
    locks.push_back(std::make_unique<mutex>(names.back().c_str()));
  }
  return locks;
}

void lock_all(std::vector<std::unique_ptr<mutex>>& locks) {
  for (auto& m : locks) m->lock();
}
void unlock_all_last_first(std::vector<std::unique_ptr<mutex>>& locks) {
  for (auto it = locks.rbegin(); it != locks.rend(); ++it) (*it)->unlock();
}

bool cycle_has(const report::Report& r, const mutex& m) {
  for (const auto& lock : r.locks)
    if (lock.label == m.name()) return true;
  return false;
}

TEST(DeepStack, ThousandLocksHeldAtOnceMakeEdgesInProportion) {
  ReportCollector reports;
  const std::size_t before = stats().edges;
  auto locks = make_locks(1000);
  lock_all(locks);
  unlock_all_last_first(locks);
  EXPECT_EQ(reports.count(), 0u);
  // Every edge among the first 16, then a few per lock (not 1000 * 999 / 2).
  EXPECT_LT(stats().edges - before, 4u * 1000u);
  // The order is still enforced at the far end, and named directly: the outermost lock has
  // its own edge to every lock taken under it.
  lock_pair(*locks[999], *locks[0]);
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locks.size(), 2u);
}

TEST(DeepStack, AnInversionBetweenMiddleLocksIsReported) {
  ReportCollector reports;
  auto locks = make_locks(100);
  lock_all(locks);
  unlock_all_last_first(locks);
  lock_pair(*locks[70], *locks[30]);
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(cycle_has(found[0], *locks[30]));
  EXPECT_TRUE(cycle_has(found[0], *locks[70]));
}

// A try-locked entry has no edge into it: the entry below it gets edges of its own.
TEST(DeepStack, ATryLockedEntryInTheMiddle) {
  ReportCollector reports;
  auto locks = make_locks(40);
  for (std::size_t i = 0; i < locks.size(); ++i) {
    if (i == 20)
      ASSERT_TRUE(locks[i]->try_lock());
    else
      locks[i]->lock();
  }
  unlock_all_last_first(locks);
  lock_pair(*locks[20], *locks[10]);  // no edge leads into the try-locked lock: no cycle
  EXPECT_EQ(reports.count(), 0u);
  lock_pair(*locks[30], *locks[10]);  // 10 was held when 30 was taken
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

// Releases from the bottom (first taken, first released), then a lock taken above the rest.
TEST(DeepStack, ReleasedFromTheBottom) {
  ReportCollector reports;
  auto locks = make_locks(100);
  mutex x("x");
  lock_all(locks);
  for (std::size_t i = 0; i < 50; ++i) locks[i]->unlock();
  x.lock();
  x.unlock();
  for (std::size_t i = 50; i < 100; ++i) locks[i]->unlock();
  EXPECT_EQ(reports.count(), 0u);
  lock_pair(x, *locks[60]);
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

// A lock released from the middle and destroyed takes its edges with it: the lock below it must
// get edges of its own, or the locks below would no longer reach what is taken later.
TEST(DeepStack, ALockReleasedFromTheMiddleAndDestroyed) {
  ReportCollector reports;
  auto locks = make_locks(100);
  mutex x("x");
  lock_all(locks);
  locks[50]->unlock();
  locks[50].reset();
  x.lock();
  x.unlock();
  for (std::size_t i = 0; i < 100; ++i)
    if (locks[i]) locks[i]->unlock();
  lock_pair(x, *locks[40]);
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

// Both orders of two locks, each taken under a deep stack whose outermost lock is one gate: no
// deadlock, no report; the same order again without the gate is reported.
TEST(DeepStack, AGateAtTheBottomOfADeepStack) {
  ReportCollector reports;
  mutex gate("gate"), a("a"), b("b");
  auto locks = make_locks(30);
  {
    std::lock_guard g(gate);
    lock_all(locks);
    lock_pair(a, b);
    unlock_all_last_first(locks);
  }
  {
    std::lock_guard g(gate);
    lock_all(locks);
    lock_pair(b, a);
    unlock_all_last_first(locks);
  }
  EXPECT_EQ(reports.count(), 0u);
  lock_pair(b, a);
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

}  // namespace
}  // namespace lockorder
