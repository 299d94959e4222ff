// A hub's bitmap of settled sources: what was inserted is found, across growth, nothing else is;
// and the locking path uses it.
#include "order/settled_sources.h"

#include <gtest/gtest.h>

#include <iterator>
#include <source_location>
#include <thread>
#include <vector>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/runtime.h"
#include "order/known_orders.h"
#include "threads/thread_state.h"

namespace lockorder::internal {
namespace {

struct Hub {
  LockMeta meta{lock_attributes{}, LockKind::mutex, std::source_location::current()};
};

TEST(SettledSources, FindsWhatWasInsertedAcrossGrowth) {
  SettledSources sources;
  Hub hub;
  EXPECT_FALSE(settled_from(hub.meta, 3));
  sources.insert(hub.meta, 3);  // no bitmap yet: nothing is kept
  EXPECT_FALSE(settled_from(hub.meta, 3));

  ASSERT_TRUE(sources.attach(hub.meta));
  const std::size_t first_bytes = sources.bytes();
  sources.insert(hub.meta, 3);
  const std::uint64_t far = next_lock_id() * 10 + 1000;  // beyond the first bitmap
  sources.insert(hub.meta, far);
  EXPECT_GT(sources.bytes(), first_bytes);  // it grew
  EXPECT_TRUE(settled_from(hub.meta, 3));   // and kept the first bit
  EXPECT_TRUE(settled_from(hub.meta, far));
  EXPECT_FALSE(settled_from(hub.meta, 4));
  EXPECT_FALSE(settled_from(hub.meta, far + 1));
  EXPECT_FALSE(settled_from(hub.meta, SettledSources::kMaxBits + 5));

  sources.insert(hub.meta, SettledSources::kMaxBits + 5);  // past the largest bitmap: not kept
  EXPECT_FALSE(settled_from(hub.meta, SettledSources::kMaxBits + 5));

  sources.detach(hub.meta);
  EXPECT_EQ(sources.bytes(), 0u);
  EXPECT_FALSE(settled_from(hub.meta, 3));
}

// Thousands of locks each held around one hub: once its edges are in the graph, the hub's bitmap
// answers for every one of them, and taking them again needs no graph visit.
TEST(SettledSources, AHubAnswersForTheLocksHeldAroundIt) {
  Hub hub;
  std::vector<Hub> buckets(3000);
  auto take_each = [&] {
    for (Hub& bucket : buckets) {
      before_blocking_lock(bucket.meta, Mode::exclusive);
      before_blocking_lock(hub.meta, Mode::exclusive);
      before_unlock(hub.meta, Mode::exclusive);
      before_unlock(bucket.meta, Mode::exclusive);
    }
  };
  std::size_t visits = 0;
  for (int round = 0; round < 2; ++round) {  // one call site: its stacks are known after round 0
    visits = stats().graph_visits;
    take_each();
    if (round == 0) {
      std::size_t answered = 0, also_shared = 0;
      const SettledEdges& shared = known_orders().shared();
      const std::uint64_t hub_key = hub.meta.node_key.load(std::memory_order_relaxed);
      for (const Hub& bucket : buckets) {
        const std::uint64_t key = bucket.meta.node_key.load(std::memory_order_relaxed);
        answered += settled_from(hub.meta, key);
        const std::uint64_t chain =
            extend_chain(extend_chain(0, key, Mode::exclusive, false, false), hub_key,
                         Mode::exclusive, false, false);
        also_shared += shared.contains(chain) ||
                       shared.contains(edge_key(key, hub_key, Mode::exclusive, Mode::exclusive));
      }
      EXPECT_EQ(answered, buckets.size());
      // Only the edges learned before the hub had its bitmap are in the shared set as well.
      EXPECT_LE(also_shared, SettledSources::kHubInDegree);
    }
  }
  EXPECT_EQ(stats().graph_visits, visits + 1);  // the stats() call itself
  for (Hub& bucket : buckets) destroy(bucket.meta);
  destroy(hub.meta);
  EXPECT_FALSE(settled_from(hub.meta, buckets[0].meta.node_key.load(std::memory_order_relaxed)));
}

// An LRU lock, one of thousands of bucket locks under it, and a hub under both (memcached's LRU
// maintainer): every combination is a new chain, more than a thread's chain cache keeps, but each
// of its edges is in the hub's bitmap, so none of them is learned as a chain.
TEST(SettledSources, ChainsOfAnyDepthIntoAHubNeedNoLearning) {
  std::thread([] {
    Hub hub, lru;
    std::vector<Hub> buckets(3000);
    auto take = [](std::initializer_list<Hub*> nest) {
      for (Hub* lock : nest) before_blocking_lock(lock->meta, Mode::exclusive);
      for (auto it = std::rbegin(nest); it != std::rend(nest); ++it)
        before_unlock((*it)->meta, Mode::exclusive);
    };
    for (Hub& bucket : buckets) take({&bucket, &hub});  // each bucket around the hub, alone
    take({&lru, &hub});
    for (Hub& bucket : buckets) take({&lru, &bucket});  // and the LRU lock around each bucket

    ThreadState* thread = current_thread_state();
    ASSERT_NE(thread, nullptr);
    const std::size_t chain_cache = thread->chains.size();
    const std::size_t visits = stats().graph_visits;
    for (Hub& bucket : buckets) take({&lru, &bucket, &hub});
    // The chain cache did not grow, as 3,000 remembered (learned) chains would have made it.
    EXPECT_EQ(thread->chains.size(), chain_cache);
    // The graph was visited for the new call site's stack and by the stats() call itself.
    EXPECT_EQ(stats().graph_visits, visits + 2);

    for (Hub& bucket : buckets) destroy(bucket.meta);
    destroy(lru.meta);
    destroy(hub.meta);
  }).join();
}

}  // namespace
}  // namespace lockorder::internal
