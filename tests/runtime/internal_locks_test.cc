// The runtime's own locks keep their stated order (process/internal_locks.h): debug builds abort
// on an acquisition against it, naming both locks.
#include "process/internal_locks.h"

#include <gtest/gtest.h>

#include <mutex>

#include "process/adaptive_mutex.h"

namespace lockorder::internal {
namespace {

using Graph = OrderedMutex<AdaptiveMutex, InternalLock::graph>;
using Registry = OrderedMutex<AdaptiveMutex, InternalLock::thread_registry>;

// Release builds check nothing: there, these two could not fail.
#ifdef NDEBUG
#define LOCKORDER_SKIP_UNLESS_CHECKED() GTEST_SKIP() << "release builds do not check the order"
#else
#define LOCKORDER_SKIP_UNLESS_CHECKED() (void)0
#endif

TEST(InternalLocks, InTheirOrderTheyNest) {
  LOCKORDER_SKIP_UNLESS_CHECKED();
  Graph graph;
  Registry registry;
  std::lock_guard outer(graph);
  std::lock_guard inner(registry);
  SUCCEED();
}

TEST(InternalLocks, ReleasedLocksNoLongerCount) {
  LOCKORDER_SKIP_UNLESS_CHECKED();
  Graph graph;
  Registry registry;
  {
    std::lock_guard inner(registry);
  }
  std::lock_guard outer(graph);
  ASSERT_TRUE(registry.try_lock());
  registry.unlock();
}

TEST(InternalLocksDeathTest, AgainstTheirOrderADebugBuildAborts) {
  LOCKORDER_SKIP_UNLESS_CHECKED();
#ifndef NDEBUG
  EXPECT_DEATH(
      {
        Graph graph;
        Registry registry;
        std::lock_guard inner(registry);
        std::lock_guard outer(graph);
      },
      "the runtime's lock 'graph' taken while holding 'thread_registry'");
#endif
}

}  // namespace
}  // namespace lockorder::internal
