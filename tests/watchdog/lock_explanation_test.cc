// Explaining a stalled worker from a wait-for snapshot: not blocked, blocked on a chain, in a
// cycle, or on a chain that leads into a cycle.
#include "lock_explanation.h"

#include <gtest/gtest.h>

namespace lockorder::watchdog {
namespace {

blocked_thread blocked(int tid, std::string lock, std::vector<std::string> holds,
                       std::vector<int> by) {
  blocked_thread b;
  b.thread_id = tid;
  b.thread = "T" + std::to_string(tid);
  b.waits_for = std::move(lock);
  b.holds = std::move(holds);
  b.blocked_by = std::move(by);
  b.waited = std::chrono::milliseconds(250);
  return b;
}

std::string label(int, const std::string& runtime_label) { return runtime_label; }

TEST(LockExplanation, AThreadNotBlockedOnALockIsSimplyStalled) {
  LockExplanation why = explain_wait(7, {blocked(8, "a", {}, {})}, label);
  EXPECT_EQ(why.kind, IncidentKind::stalled);
  EXPECT_TRUE(why.chain.empty());
}

TEST(LockExplanation, AChainEndsAtAHolderThatIsNotBlocked) {
  // 1 waits for a held by 2; 2 waits for b, whose holder runs.
  LockExplanation why =
      explain_wait(1, {blocked(1, "a", {"x"}, {2}), blocked(2, "b", {"a"}, {})}, label);
  EXPECT_EQ(why.kind, IncidentKind::lock_chain);
  EXPECT_EQ(why.waits_for, "a");
  EXPECT_EQ(why.waited_ms, 250);
  EXPECT_EQ(why.holds, std::vector<std::string>{"x"});
  ASSERT_EQ(why.chain.size(), 2u);
  EXPECT_EQ(why.chain[0], "T1 waits for a held by T2");
  EXPECT_EQ(why.chain[1], "T2 waits for b, held by a thread that is not blocked on a lock");
  EXPECT_TRUE(why.cycle.empty());
}

blocked_thread in_condition_wait(int tid, std::string mutex, std::vector<std::string> holds,
                                 std::vector<int> by) {
  blocked_thread b = blocked(tid, std::move(mutex), std::move(holds), std::move(by));
  b.kind = wait_kind::condition;
  return b;
}

TEST(LockExplanation, AConditionWaitWhoseMutexNoBlockedThreadHoldsIsSimplyStalled) {
  LockExplanation why = explain_wait(1, {in_condition_wait(1, "m", {"x"}, {})}, label);
  EXPECT_EQ(why.kind, IncidentKind::stalled);
  EXPECT_TRUE(why.chain.empty());
}

TEST(LockExplanation, AConditionWaitOnTheWayIsNamedAsSuch) {
  // 1 waits for a held by 2, which waits on a condition variable with m, which nobody blocked
  // holds; then the same with m held by 1: a cycle.
  LockExplanation chain =
      explain_wait(1, {blocked(1, "a", {}, {2}), in_condition_wait(2, "m", {"a"}, {})}, label);
  EXPECT_EQ(chain.kind, IncidentKind::lock_chain);
  ASSERT_EQ(chain.chain.size(), 2u);
  EXPECT_EQ(chain.chain[1],
            "T2 waits on a condition variable (its mutex m is free or held by a thread that is "
            "not blocked on a lock)");
  LockExplanation cycle =
      explain_wait(1, {blocked(1, "a", {"m"}, {2}), in_condition_wait(2, "m", {"a"}, {1})}, label);
  EXPECT_EQ(cycle.kind, IncidentKind::lock_cycle);
  EXPECT_EQ(cycle.chain.back(), "T2 waits on a condition variable, then for m held by T1");
}

TEST(LockExplanation, AThreadInACycleNamesTheCycleLocks) {
  LockExplanation why =
      explain_wait(1, {blocked(1, "a", {"b"}, {2}), blocked(2, "b", {"a"}, {1})}, label);
  EXPECT_EQ(why.kind, IncidentKind::lock_cycle);
  EXPECT_EQ(why.cycle, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(why.chain.back(), "T2 waits for b held by T1");
}

TEST(LockExplanation, AChainIntoACycleIsAChainWithTheCycleNamed) {
  LockExplanation why = explain_wait(
      3, {blocked(1, "a", {"b"}, {2}), blocked(2, "b", {"a"}, {1}), blocked(3, "a", {}, {2})},
      label);
  EXPECT_EQ(why.kind, IncidentKind::lock_chain);
  EXPECT_EQ(why.cycle, (std::vector<std::string>{"b", "a"}));
}

// Two pool tasks, each waiting for the future of a task queued behind the other's: each step
// says what it waits for in the runtime's words, and whom.
TEST(LockExplanation, WaitsBeyondLocksAreNamedByTheirKind) {
  blocked_thread first =
      blocked(1, "the future of task #3 of pool io, queued behind 1 task", {}, {2});
  first.kind = wait_kind::future;
  blocked_thread second =
      blocked(2, "the future of task #4 of pool io, queued behind 0 tasks", {}, {1});
  second.kind = wait_kind::future;
  LockExplanation why = explain_wait(1, {first, second}, label);
  EXPECT_EQ(why.kind, IncidentKind::lock_cycle);
  ASSERT_EQ(why.chain.size(), 2u);
  EXPECT_EQ(why.chain[0],
            "T1 waits for the future of task #3 of pool io, queued behind 1 task, for T2, which "
            "is blocked");
  blocked_thread timed = blocked(1, "jobs", {}, {});
  timed.kind = wait_kind::semaphore;
  timed.timed = true;
  EXPECT_EQ(explain_wait(1, {timed}, label).chain.at(0),
            "T1 waits on jobs (with a timeout), for a thread that is not blocked");
  blocked_thread latch = blocked(1, "ready", {"state"}, {});
  latch.kind = wait_kind::arrival;
  LockExplanation alone = explain_wait(1, {latch}, label);
  EXPECT_EQ(alone.kind, IncidentKind::lock_chain);
  ASSERT_EQ(alone.chain.size(), 1u);
  EXPECT_EQ(alone.chain[0], "T1 waits at ready, for a thread that is not blocked");
}

}  // namespace
}  // namespace lockorder::watchdog
