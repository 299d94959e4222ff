// A hub's bitmap of settled sources: what was inserted is found, across growth, nothing else is;
// and the locking path uses it.
#include "settled_sources.h"

#include <gtest/gtest.h>

#include <source_location>
#include <vector>

#include "lockorder/runtime.h"

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
      std::size_t answered = 0;
      for (const Hub& bucket : buckets)
        answered += settled_from(hub.meta, bucket.meta.node_key.load(std::memory_order_relaxed));
      EXPECT_EQ(answered, buckets.size());
    }
  }
  EXPECT_EQ(stats().graph_visits, visits + 1);  // the stats() call itself
  for (Hub& bucket : buckets) destroy(bucket.meta);
  destroy(hub.meta);
  EXPECT_FALSE(settled_from(hub.meta, buckets[0].meta.node_key.load(std::memory_order_relaxed)));
}

}  // namespace
}  // namespace lockorder::internal
