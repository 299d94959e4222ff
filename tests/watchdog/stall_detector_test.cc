// The watchdog's judgement of workers: idle, paused, progressing, slow, stalled, and no false
// alarm from its own late rounds or from a loaded machine.
#include "lockorder/watchdog/stall_detector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace lockorder::watchdog {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t kMs = 1'000'000;

// Fake time, shared by the heartbeat and the rounds.
std::int64_t fake_now = 0;
std::int64_t fake_clock() { return fake_now; }

// Rounds every 10 ms of fake time; one worker with a 100 ms deadline.
struct Fixture {
  Heartbeat heartbeat{100ms, &fake_clock};
  StallDetector detector{10ms};
  std::int64_t& now = fake_now;
  Fixture() {
    fake_now = 1'000 * kMs;
    detector.watch(heartbeat, now);
  }
  Verdict round(std::int64_t advance_ms = 10) {
    now += advance_ms * kMs;
    return detector.judge(now).at(0).verdict;
  }
  Verdict rounds(int n) {
    Verdict v = Verdict::idle;
    for (int i = 0; i < n; ++i) v = round();
    return v;
  }
};

TEST(StallDetector, IdleWorkerIsNeverStalled) {
  Fixture f;
  EXPECT_EQ(f.rounds(100), Verdict::idle);  // a second of silence, waiting for work
}

TEST(StallDetector, SilentPastItsDeadlineIsStalled) {
  Fixture f;
  f.heartbeat.begin_item();
  EXPECT_EQ(f.rounds(10), Verdict::progressing);  // 100 ms: not past the deadline yet
  EXPECT_EQ(f.rounds(2), Verdict::stalled);
}

TEST(StallDetector, BeatingWorkerIsNotStalled) {
  Fixture f;
  f.heartbeat.begin_item();
  for (int i = 0; i < 50; ++i) {
    f.heartbeat.beat();
    EXPECT_EQ(f.round(), Verdict::progressing);
    f.heartbeat.begin_item();  // a new item every round: never older than its deadline
  }
}

TEST(StallDetector, SlowButProgressingIsSlowNotStalled) {
  Fixture f;
  f.heartbeat.begin_item();  // one long item, beating all along
  Verdict last = Verdict::idle;
  for (int i = 0; i < 30; ++i) {
    f.heartbeat.beat();
    last = f.round();
    ASSERT_NE(last, Verdict::stalled);
  }
  EXPECT_EQ(last, Verdict::slow);  // 300 ms into a 100 ms item
}

TEST(StallDetector, LateRoundJudgesNoOneStalled) {
  Fixture f;
  f.heartbeat.begin_item();
  f.rounds(5);
  // The watchdog itself was descheduled for 500 ms: the machine was busy, not the worker.
  EXPECT_EQ(f.round(500), Verdict::progressing);
  EXPECT_TRUE(f.detector.last_round_late());
  // The 490 ms it came late do not count: 50 ms of silence so far, stalled past 100 ms.
  EXPECT_EQ(f.rounds(4), Verdict::progressing);
  EXPECT_FALSE(f.detector.last_round_late());
  EXPECT_EQ(f.rounds(2), Verdict::stalled);
}

// The watchdog's own delay is no sign of the worker's life: a late round neither clears a stall
// (which would report it again, and tell systemd all is well meanwhile) nor shortens its silence.
TEST(StallDetector, LateRoundDoesNotForgiveAStallAlreadyJudged) {
  Fixture f;
  f.heartbeat.begin_item();
  EXPECT_EQ(f.rounds(12), Verdict::stalled);
  EXPECT_EQ(f.round(500), Verdict::stalled);
  EXPECT_TRUE(f.detector.last_round_late());
  EXPECT_EQ(f.detector.judge(f.now += 10 * kMs).at(0).silent_ns, 620 * kMs);
  f.heartbeat.beat();
  EXPECT_EQ(f.round(), Verdict::slow);  // alive again, on an item past its deadline
}

TEST(StallDetector, ExtendedWorkIsPausedWithItsReason) {
  Fixture f;
  f.heartbeat.begin_item();
  f.heartbeat.extend(50s, "compacting the database");
  f.now += 10 * kMs;
  const Judgement j = f.detector.judge(f.now).at(0);
  EXPECT_EQ(j.verdict, Verdict::paused);
  EXPECT_STREQ(j.pause_reason, "compacting the database");
}

TEST(StallDetector, DeadlineScopeRestoresTheOuterDeadline) {
  Heartbeat h(100ms);
  {
    DeadlineScope outer(h, 5s);
    EXPECT_EQ(h.deadline_ns(), Heartbeat::to_ns(5s));
    {
      DeadlineScope inner(h, 1s);
      EXPECT_EQ(h.deadline_ns(), Heartbeat::to_ns(1s));
    }
    EXPECT_EQ(h.deadline_ns(), Heartbeat::to_ns(5s));
  }
  EXPECT_EQ(h.deadline_ns(), Heartbeat::to_ns(100ms));
}

TEST(StallDetector, ItemDeadlineOverridesTheWorkers) {
  Fixture f;
  f.heartbeat.begin_item(1s);  // this item may take a second
  EXPECT_EQ(f.rounds(50), Verdict::progressing);
  EXPECT_EQ(f.rounds(52), Verdict::stalled);  // silent for over a second after its last beat
  f.heartbeat.begin_item();                   // the next one has the worker's 100 ms again
  EXPECT_EQ(f.heartbeat.deadline_ns(), Heartbeat::to_ns(100ms));
}

// Real threads on a loaded machine: more spinning threads than cores, a worker beating between
// short items, the watchdog judging every 10 ms. No false alarm in a second of it.
TEST(StallDetector, NoFalseAlarmOnAnOverloadedMachine) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (unsigned i = 0; i < 2 * std::max(1u, std::thread::hardware_concurrency()); ++i)
    load.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
      }
    });
  Heartbeat heartbeat(500ms);
  std::thread worker([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      heartbeat.begin_item();
      for (int i = 0; i < 1000; ++i) heartbeat.beat();
      std::this_thread::yield();
    }
  });
  StallDetector detector(10ms);
  detector.watch(heartbeat, Heartbeat::now_ns());
  int stalled = 0;
  for (int round = 0; round < 100; ++round) {
    std::this_thread::sleep_for(10ms);
    for (const Judgement& j : detector.judge(Heartbeat::now_ns()))
      stalled += j.verdict == Verdict::stalled;
  }
  stop = true;
  worker.join();
  for (std::thread& t : load) t.join();
  EXPECT_EQ(stalled, 0);
}

}  // namespace
}  // namespace lockorder::watchdog
