// Random stress: 4 threads, nested acquisitions over 10,000 locks in one global order, with locks
// destroyed and re-created as they go. A correct program: zero reports.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "lockorder/lockorder.h"
#include "test_support.h"

namespace lockorder {
namespace {

TEST(Stress, NestedAcquisitionsInOneGlobalOrderWithChurn) {
  testing::ReportCollector reports;
  constexpr std::size_t kLocks = 10000, kThreads = 4, kRounds = 20000;
  std::vector<std::unique_ptr<mutex>> locks(kLocks);
  for (auto& m : locks) m = std::make_unique<mutex>();
  // Plain (uninstrumented) guards keep a slot from being re-created while another thread uses it.
  std::vector<std::shared_mutex> slot_guards(kLocks);
  std::atomic<std::size_t> recreated{0}, acquisitions{0};

  auto worker = [&](std::size_t id) {
    std::uint64_t state = 0x853C49E6748FEA9Bull * (id + 1);
    auto next = [&state] {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return state >> 33;
    };
    std::vector<std::size_t> picked;
    for (std::size_t round = 0; round < kRounds; ++round) {
      if (next() % 16 == 0) {
        // Re-create a lock of this thread's own share of the slots.
        std::size_t slot = (next() % (kLocks / kThreads)) * kThreads + id;
        std::unique_lock exclusive(slot_guards[slot]);
        locks[slot] = std::make_unique<mutex>();
        ++recreated;
        continue;
      }
      // 1-5 locks in increasing index order: the one global order.
      picked.clear();
      std::size_t at = next() % kLocks;
      for (std::size_t depth = 1 + next() % 5; depth > 0 && at < kLocks; --depth) {
        picked.push_back(at);
        at += 1 + next() % 200;
      }
      for (std::size_t slot : picked) slot_guards[slot].lock_shared();
      for (std::size_t slot : picked) locks[slot]->lock();
      for (auto it = picked.rbegin(); it != picked.rend(); ++it) locks[*it]->unlock();
      for (std::size_t slot : picked) slot_guards[slot].unlock_shared();
      acquisitions += picked.size();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& t : threads) t.join();

  EXPECT_EQ(reports.count(), 0u);
  EXPECT_GT(recreated.load(), 1000u);
  EXPECT_GT(acquisitions.load(), 100000u);
  // Re-created locks left the graph: it holds at most the locks that exist.
  EXPECT_LE(stats().nodes, kLocks + 16);
}

}  // namespace
}  // namespace lockorder
