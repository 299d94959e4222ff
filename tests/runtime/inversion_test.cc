// Lock-order inversions: SCENARIOS.md runtime 1-6, 13-15, and lock classes.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include "lockorder/lockorder.h"
#include "test_support.h"

namespace lockorder {
namespace {

using testing::lock_pair;
using testing::mentions;
using testing::ReportCollector;
using testing::ScopedOptions;

void in_thread(const char* name, auto body) {
  std::thread t([&] {
    set_thread_name(name);
    body();
  });
  t.join();
}

// Scenario 1.
TEST(Inversion, OneThreadTakesABThenBA) {
  ReportCollector reports;
  mutex a("a"), b("b");
  lock_pair(a, b);
  EXPECT_EQ(reports.count(), 0u);
  lock_pair(b, a);
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  const auto& r = found[0];
  ASSERT_EQ(r.locks.size(), 2u);
  EXPECT_EQ(report::cycle_text(r), "a -> b -> a");
  ASSERT_EQ(r.edges.size(), 2u);
  for (const auto& edge : r.edges) {
    // Both locks of both edges come with the stack where they were taken.
    EXPECT_TRUE(mentions(edge.from_site, "lock_pair")) << report::cycle_text(r);
    EXPECT_TRUE(mentions(edge.to_site, "lock_pair"));
    EXPECT_TRUE(mentions(edge.from_site, "OneThreadTakesABThenBA"));
    EXPECT_TRUE(mentions(edge.to_site, "OneThreadTakesABThenBA"));
    EXPECT_TRUE(edge.note.empty()) << edge.note;
  }
  // The edge's outer lock was taken on the line before the inner one, in lock_pair.
  const report::Frame* outer = testing::frame_in(r.edges[0].from_site, "lock_pair");
  const report::Frame* inner = testing::frame_in(r.edges[0].to_site, "lock_pair");
  ASSERT_TRUE(outer && inner);
  EXPECT_NE(outer->file.find("test_support.h"), std::string::npos);
  EXPECT_EQ(outer->line + 1, inner->line);
}

[[gnu::noinline]] void take(mutex& m) {
  m.lock();
  asm volatile("");  // not a tail call: this frame made the acquisition
}

// A lock taken by a helper that has returned by the time a lock is taken under it: its site is
// the helper and the helper's caller, exactly, and the frames beyond are the caller's own.
TEST(Inversion, AnOuterLockTakenByAHelperThatReturnedKeepsItsCaller) {
  ReportCollector reports;
  mutex a("a"), b("b");
  lock_pair(b, a);
  take(a);
  b.lock();
  b.unlock();
  a.unlock();
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  const auto& edge = found[0].edges.back();  // a -> b, the edge that closed the cycle
  EXPECT_TRUE(mentions(edge.from_site, "take")) << edge.note;
  EXPECT_TRUE(mentions(edge.from_site, "AnOuterLockTakenByAHelperThatReturnedKeepsItsCaller"));
  EXPECT_TRUE(edge.note.empty()) << edge.note;
}

// Scenario 1, negative: the same order twice.
TEST(Inversion, SameOrderTwiceIsClean) {
  ReportCollector reports;
  mutex a, b;
  lock_pair(a, b);
  lock_pair(a, b);
  EXPECT_EQ(reports.count(), 0u);
}

TEST(Inversion, EachCycleIsReportedOnce) {
  ReportCollector reports;
  mutex a("a"), b("b");
  lock_pair(a, b);
  for (int i = 0; i < 3; ++i) lock_pair(b, a);
  in_thread("other", [&] {
    lock_pair(b, a);
    lock_pair(a, b);
  });
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

// Scenario 2.
TEST(Inversion, TwoSequencedThreadsAreBothNamed) {
  ReportCollector reports;
  mutex a("x_lock"), b("y_lock");
  in_thread("first", [&] { lock_pair(a, b); });
  in_thread("second", [&] { lock_pair(b, a); });
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  std::string threads = found[0].edges[0].thread + "|" + found[0].edges[1].thread;
  EXPECT_NE(threads.find("'first'"), std::string::npos) << threads;
  EXPECT_NE(threads.find("'second'"), std::string::npos) << threads;
}

// Scenario 3.
TEST(Inversion, ThreeLockCycleAcrossThreeThreads) {
  ReportCollector reports;
  mutex a("A"), b("B"), c("C");
  in_thread("t1", [&] { lock_pair(a, b); });
  in_thread("t2", [&] { lock_pair(b, c); });
  EXPECT_EQ(reports.count(), 0u);
  in_thread("t3", [&] { lock_pair(c, a); });
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(report::cycle_text(found[0]), "A -> B -> C -> A");
  EXPECT_EQ(found[0].edges.size(), 3u);
}

// Scenario 4.
TEST(Inversion, HundredLockRingIsPrintedInFull) {
  ReportCollector reports;
  std::vector<std::unique_ptr<mutex>> ring;
  for (int i = 0; i < 100; ++i) ring.push_back(std::make_unique<mutex>());
  for (int i = 0; i < 100; ++i) {
    std::thread([&, i] { lock_pair(*ring[i], *ring[(i + 1) % 100]); }).join();
  }
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].cycle.size(), 100u);
  EXPECT_EQ(found[0].edges.size(), 100u);
  std::string text = report::cycle_text(found[0]);
  for (int i = 0; i < 100; ++i) {
    std::string label = found[0].locks[static_cast<std::size_t>(i)].label;
    EXPECT_NE(text.find(label), std::string::npos);
  }
}

// Scenario 5.
TEST(Inversion, HalvesSeparatedByManyShortLivedLocks) {
  ReportCollector reports;
  mutex a("a"), b("b");
  lock_pair(a, b);
  const std::size_t nodes_before = stats().nodes;
  for (int i = 0; i < 100000; ++i) {
    mutex temporary;
    lock_pair(a, temporary);
  }
  // Destroyed locks leave the graph: it did not grow with them.
  EXPECT_LE(stats().nodes, nodes_before + 1);
  lock_pair(b, a);
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

// Scenario 6: a new lock at the address of a destroyed one is a new lock.
TEST(Inversion, AddressReuseIsNotIdentity) {
  ReportCollector reports;
  mutex a("a");
  alignas(mutex) unsigned char storage[sizeof(mutex)];
  auto* old_lock = new (storage) mutex("old");
  lock_pair(a, *old_lock);
  old_lock->~mutex();
  auto* new_lock = new (storage) mutex("new");
  ASSERT_EQ(static_cast<void*>(old_lock), static_cast<void*>(new_lock));
  lock_pair(*new_lock, a);
  new_lock->~mutex();
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 13: a common gate lock serializes both orders.
TEST(Inversion, GateLockAroundBothOrdersIsClean) {
  ReportCollector reports;
  mutex gate("gate"), a("a"), b("b");
  in_thread("t1", [&] {
    std::lock_guard g(gate);
    lock_pair(a, b);
  });
  in_thread("t2", [&] {
    std::lock_guard g(gate);
    lock_pair(b, a);
  });
  EXPECT_EQ(reports.count(), 0u);
}

TEST(Inversion, GatedCyclesAreReportedWhenAsked) {
  ScopedOptions opts("gated_cycles=1");
  ReportCollector reports;
  mutex gate("gate"), a("a"), b("b");
  std::lock_guard g(gate);
  lock_pair(a, b);
  lock_pair(b, a);
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

TEST(Inversion, GatedCycleIsReportedOnceAnEdgeEscapesTheGate) {
  ReportCollector reports;
  mutex gate("gate"), a("a"), b("b");
  {
    std::lock_guard g(gate);
    lock_pair(a, b);
    lock_pair(b, a);
  }
  EXPECT_EQ(reports.count(), 0u);
  lock_pair(b, a);  // the same order, now without the gate: a real deadlock risk
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locks.size(), 2u);
}

TEST(Inversion, SharedGateDoesNotSerialize) {
  ReportCollector reports;
  shared_mutex gate("gate");
  mutex a("a"), b("b");
  std::shared_lock g(gate);
  lock_pair(a, b);
  lock_pair(b, a);
  EXPECT_EQ(reports.of_kind("lock-order-inversion").size(), 1u);
}

// Scenario 14.
TEST(Inversion, FourThreadsRandomSubsetsInOneGlobalOrder) {
  ReportCollector reports;
  std::vector<std::unique_ptr<mutex>> locks;
  for (int i = 0; i < 64; ++i) locks.push_back(std::make_unique<mutex>());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&locks, t] {
      std::uint64_t state = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(t + 1);
      auto next = [&state] {
        return state = state * 6364136223846793005ull + 1442695040888963407ull;
      };
      int acquisitions = 0;
      std::vector<mutex*> taken;
      while (acquisitions < 200000) {
        taken.clear();
        for (std::size_t i = 0; i < locks.size(); ++i)
          if ((next() >> 32) % 64 < 3) taken.push_back(locks[i].get());  // about 3 of 64
        for (mutex* m : taken) m->lock();
        for (auto it = taken.rbegin(); it != taken.rend(); ++it) (*it)->unlock();
        acquisitions += static_cast<int>(taken.size());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(reports.count(), 0u);
}

// Scenario 15.
// pigz's shape: one pool lock, and a lock of its own in every buffer, taken in both orders by the
// same code. One bug: one report, the other buffers counted.
void pool_then_buffer(mutex& pool, mutex& buffer) { lock_pair(pool, buffer); }
void buffer_then_pool(mutex& buffer, mutex& pool) { lock_pair(buffer, pool); }

std::size_t inversions_over_buffers(std::size_t buffers) {
  ReportCollector reports;
  mutex pool("pool");
  std::vector<std::unique_ptr<mutex>> locks;
  for (std::size_t i = 0; i < buffers; ++i) locks.push_back(std::make_unique<mutex>("buffer"));
  for (auto& buffer : locks) {
    pool_then_buffer(pool, *buffer);
    buffer_then_pool(*buffer, pool);
  }
  return reports.of_kind("lock-order-inversion").size();
}

TEST(Inversion, OneReportPerSetOfAcquisitionSites) {
  const std::size_t repeated_before = stats().repeated_cycles;
  EXPECT_EQ(inversions_over_buffers(20), 1u);
  EXPECT_EQ(stats().repeated_cycles - repeated_before, 19u);
}

TEST(Inversion, AllInstancesReportsEachBuffer) {
  ScopedOptions opts("all_instances=1");
  EXPECT_EQ(inversions_over_buffers(20), 20u);
}

TEST(Inversion, DestroyingALockRemovesItsNode) {
  const std::size_t before = stats().nodes;
  {
    mutex a, b;
    lock_pair(a, b);
    EXPECT_EQ(stats().nodes, before + 2);
  }
  EXPECT_EQ(stats().nodes, before);
}

// Lock classes: locks of one class obey one order.
TEST(Inversion, LocksOfOneClassShareANode) {
  ReportCollector reports;
  mutex a1({.name = "a1", .lock_class = "Account"}), a2({.name = "a2", .lock_class = "Account"});
  mutex log("log");
  lock_pair(a1, log);
  lock_pair(log, a2);  // a different lock, but the same class: Account -> log -> Account
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(report::cycle_text(found[0]), "Account -> log -> Account");
}

TEST(Inversion, NestingTwoLocksOfOneClassIsReported) {
  ReportCollector reports;
  mutex a({.lock_class = "Node"}), b({.lock_class = "Node"});
  lock_pair(a, b);
  auto found = reports.of_kind("lock-order-inversion");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locks.size(), 1u);
}

TEST(Inversion, OrderedLockTakesTwoLocksOfOneClass) {
  ReportCollector reports;
  mutex a({.lock_class = "Peer"}), b({.lock_class = "Peer"});
  {
    ordered_lock both(b, a);
  }
  {
    ordered_lock both(a, b);
  }
  EXPECT_EQ(reports.count(), 0u);
}

}  // namespace
}  // namespace lockorder
