// The shared set of settled edges: everything inserted is found, from any thread, across its
// growth; nothing else is.
#include "order/settled_edges.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

namespace lockorder::internal {
namespace {

std::vector<std::uint64_t> random_hashes(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<std::uint64_t> hashes(count);
  for (std::uint64_t& h : hashes) h = random() | 1;  // never 0, as edge keys
  return hashes;
}

TEST(SettledEdges, StartsSmallAndGrowsKeepingEveryEntry) {
  SettledEdges edges;
  EXPECT_EQ(edges.capacity(), 0u);
  EXPECT_FALSE(edges.contains(12345));
  const std::vector<std::uint64_t> hashes = random_hashes(100'000, 1);
  edges.insert(hashes[0]);
  EXPECT_EQ(edges.capacity(), std::size_t{1} << 15);
  for (std::uint64_t h : hashes) edges.insert(h);
  EXPECT_EQ(edges.capacity(), std::size_t{1} << 19);
  std::size_t found = 0;
  for (std::uint64_t h : hashes) found += edges.contains(h);
  // A full neighbourhood makes the table grow: below its maximum size, nothing is dropped.
  EXPECT_EQ(found, hashes.size());
  std::size_t strangers = 0;
  for (std::uint64_t h : random_hashes(100'000, 2)) strangers += edges.contains(h);
  EXPECT_EQ(strangers, 0u);
}

TEST(SettledEdges, ReadersDuringGrowthFindWhatWasInsertedBefore) {
  SettledEdges edges;
  const std::vector<std::uint64_t> early = random_hashes(1'000, 3);
  for (std::uint64_t h : early) edges.insert(h);
  std::atomic<bool> done{false};
  std::atomic<std::size_t> misses{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      while (!done.load())
        for (std::uint64_t h : early) misses += !edges.contains(h);
    });
  for (std::uint64_t h : random_hashes(600'000, 4)) edges.insert(h);  // grows three times
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(edges.capacity(), std::size_t{1} << 21);
  EXPECT_EQ(misses.load(), 0u);
}

}  // namespace
}  // namespace lockorder::internal
