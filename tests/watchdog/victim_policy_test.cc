// Victim choice: never critical or unknown threads; then lowest priority, least work lost,
// youngest.
#include "lockorder/watchdog/victim_policy.h"

#include <gtest/gtest.h>

namespace lockorder::watchdog {
namespace {

VictimCandidate worker(int priority, std::int64_t item_age, std::int64_t started,
                       bool critical = false) {
  return {priority, critical, item_age, started};
}

TEST(VictimPolicy, LowestPriorityFirst) {
  EXPECT_EQ(choose_victim({worker(5, 1, 1), worker(1, 100, 0), worker(3, 0, 9)}), 1u);
}

TEST(VictimPolicy, ThenLeastWorkLost) {
  EXPECT_EQ(choose_victim({worker(1, 500, 1), worker(1, 20, 0), worker(1, 300, 9)}), 1u);
}

TEST(VictimPolicy, ThenTheYoungestWorker) {
  EXPECT_EQ(choose_victim({worker(1, 20, 100), worker(1, 20, 300), worker(1, 20, 200)}), 1u);
}

TEST(VictimPolicy, NeverACriticalWorkerWhateverItsPriority) {
  EXPECT_EQ(choose_victim({worker(0, 0, 9, true), worker(9, 900, 0)}), 1u);
}

TEST(VictimPolicy, NeverAThreadThatIsNotWatched) {
  EXPECT_EQ(choose_victim({std::nullopt, worker(9, 9, 9)}), 1u);
}

TEST(VictimPolicy, NoOneWhenEveryMemberIsCriticalOrUnknown) {
  EXPECT_EQ(choose_victim({worker(0, 0, 0, true), std::nullopt}), std::nullopt);
  EXPECT_EQ(choose_victim({}), std::nullopt);
}

}  // namespace
}  // namespace lockorder::watchdog
