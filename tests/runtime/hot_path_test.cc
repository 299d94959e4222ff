// The hot path's promise: locking in an order seen before takes no global lock and allocates
// nothing. This binary replaces operator new to count allocations.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "lockorder/lockorder.h"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace lockorder {
namespace {

template <class Body>
void expect_free_of_graph_and_heap(Body body) {
  std::size_t allocations = 0, visits = 0;
  for (int i = 0; i <= 10000; ++i) {
    if (i == 1) {  // the first round learnt the chains and captured the sites
      allocations = g_allocations.load();
      visits = stats().graph_visits;
    }
    body();
  }
  EXPECT_EQ(g_allocations.load() - allocations, 0u);
  EXPECT_EQ(stats().graph_visits, visits + 1);  // the stats() call itself
}

TEST(HotPath, KnownNestedOrdersTakeNoGlobalLockAndAllocateNothing) {
  mutex a, b, c;
  expect_free_of_graph_and_heap([&] {
    std::lock_guard ga(a);
    std::lock_guard gb(b);
    std::lock_guard gc(c);
  });
}

TEST(HotPath, EveryPrimitiveOnItsFastPath) {
  mutex a;
  recursive_mutex r;
  shared_mutex s;
  expect_free_of_graph_and_heap([&] {
    std::lock_guard ga(a);
    std::lock_guard gr1(r), gr2(r);
    std::shared_lock gs(s);
    if (a.try_lock()) a.unlock();  // fails: held
  });
}

TEST(HotPath, NewCombinationsOfSettledEdgesSkipTheGraph) {
  mutex a, b, c, d;
  const std::vector<std::vector<mutex*>> rounds = {
      {&a, &b}, {&b, &c}, {&c, &d},        {&a, &c},
      {&b, &d}, {&a, &d}, {&a, &b, &c, &d}};  // the last: a new chain, made only of edges settled
                                              // before
  std::size_t visits = 0;
  for (const auto& round : rounds) {
    if (round.size() == 4) visits = stats().graph_visits;
    for (mutex* m : round) m->lock();
    for (auto it = round.rbegin(); it != round.rend(); ++it) (*it)->unlock();
  }
  EXPECT_EQ(stats().graph_visits, visits + 1);  // the stats() call itself
}

// Each of thousands of bucket locks nested with one inner lock, all under an outer lock held
// throughout (a gate on every edge): more chains than a thread's first cache holds.
void nest_in_buckets(mutex& outer, std::vector<mutex>& buckets, mutex& inner) {
  std::lock_guard go(outer);
  for (mutex& bucket : buckets) {
    std::lock_guard gb(bucket);
    std::lock_guard gi(inner);
  }
}

// Runs nest_in_buckets over each bucket set from one call site (so that its acquisition sites
// are known after the first), and returns the graph visits the last set cost.
std::size_t visits_of_last(mutex& outer, const std::vector<std::vector<mutex>*>& sets,
                           mutex& inner) {
  std::size_t visits = 0;
  for (std::vector<mutex>* buckets : sets) {
    visits = stats().graph_visits;
    nest_in_buckets(outer, *buckets, inner);
  }
  return stats().graph_visits - visits - 1;  // less the stats() call itself
}

TEST(HotPath, ThousandsOfGatedChainsAreLearntOnce) {
  mutex outer, inner;
  std::vector<mutex> buckets(5000);
  EXPECT_EQ(visits_of_last(outer, {&buckets, &buckets}, inner), 0u);
}

TEST(HotPath, EdgesSettledByOneThreadAreSettledForAll) {
  mutex outer, inner;
  std::vector<mutex> buckets(5000), one(1);
  std::thread([&] { visits_of_last(outer, {&buckets}, inner); }).join();
  std::size_t visits = 1;
  // The second thread learns its acquisition sites on one bucket, then needs the graph no more.
  std::thread([&] { visits = visits_of_last(outer, {&one, &buckets}, inner); }).join();
  EXPECT_EQ(visits, 0u);
}

}  // namespace
}  // namespace lockorder
