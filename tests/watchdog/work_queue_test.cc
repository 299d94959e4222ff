// WorkQueue: idempotent pushes, leases, retries with attempt counts, dead letters, release of a
// given-up worker's items, exactly-once completion.
#include "lockorder/watchdog/work_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace lockorder::watchdog {
namespace {

using namespace std::chrono_literals;

struct Context {
  std::stop_source stop;
  Heartbeat heartbeat{1s};
  WorkerContext context{stop.get_token(), heartbeat, 1};
};

TEST(WorkQueue, APushedKeyIsQueuedOnce) {
  WorkQueue<int> queue;
  EXPECT_TRUE(queue.push("a", 1));
  EXPECT_FALSE(queue.push("a", 2));
  Context c;
  auto lease = queue.take(c.context);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->item, 1);
  EXPECT_EQ(lease->attempt, 1);
  EXPECT_FALSE(c.heartbeat.idle());
  EXPECT_TRUE(queue.complete(*lease));
  EXPECT_FALSE(queue.push("a", 3));  // done: a resend is ignored
  EXPECT_TRUE(queue.drained());
}

TEST(WorkQueue, RetriesCountAttemptsThenSetTheItemAside) {
  WorkQueue<int> queue(3);
  queue.push("poison", 7);
  Context c;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto lease = queue.take(c.context);
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->attempt, attempt);
    queue.retry(*lease, "boom " + std::to_string(attempt));
    queue.retry(*lease, "a spent lease is ignored");
  }
  auto dead = queue.dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "poison");
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_EQ(dead[0].last_error, "boom 3");
  EXPECT_TRUE(queue.drained());
}

TEST(WorkQueue, CompletionIsTrueOnceEvenForALateWorker) {
  WorkQueue<int> queue;
  queue.push("k", 1);
  Context slow, fresh;
  fresh.context.owner = 2;
  auto first = queue.take(slow.context);
  queue.release_owner(slow.context.owner, "given up on");
  auto second = queue.take(fresh.context);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_TRUE(queue.complete(*first));    // the worker given up on finished after all
  EXPECT_FALSE(queue.complete(*second));  // the retry must not commit again
  EXPECT_EQ(queue.completed(), 1u);
  EXPECT_TRUE(queue.drained());
}

TEST(WorkQueue, RemembersOnlyTheLastCompletedKeysSoMemoryStaysBounded) {
  WorkQueue<int> queue(3, /*remembered=*/2);
  Context c;
  for (const char* key : {"a", "b", "c"}) {
    queue.push(key, 0);
    queue.complete(*queue.take(c.context));
  }
  EXPECT_EQ(queue.completed(), 3u);
  EXPECT_TRUE(queue.drained());
  EXPECT_TRUE(queue.push("a", 1));   // forgotten: new work
  EXPECT_FALSE(queue.push("c", 1));  // still remembered
}

TEST(WorkQueue, TakenDeadLettersMayBePushedAgain) {
  WorkQueue<int> queue(1);
  queue.push("poison", 7);
  Context c;
  queue.retry(*queue.take(c.context), "boom");
  EXPECT_FALSE(queue.push("poison", 7));
  auto dead = queue.take_dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_TRUE(queue.dead_letters().empty());
  EXPECT_TRUE(queue.drained());
  EXPECT_TRUE(queue.push("poison", 8));  // fixed, and sent again
  EXPECT_FALSE(queue.drained());
}

TEST(WorkQueue, TakeEndsOnStopAndOnCloseWhenEmpty) {
  WorkQueue<int> queue;
  Context c;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    c.stop.request_stop();
  });
  EXPECT_FALSE(queue.take(c.context));
  stopper.join();
  EXPECT_TRUE(c.heartbeat.idle());
  Context d;
  queue.push("x", 1);
  queue.close();
  EXPECT_FALSE(queue.push("y", 2));
  EXPECT_TRUE(queue.take(d.context));
  EXPECT_FALSE(queue.take(d.context));
}

TEST(WorkQueue, ServeCommitsOnceAndRetriesFailures) {
  WorkQueue<int> queue(2);
  for (int i = 0; i < 5; ++i) queue.push("k" + std::to_string(i), i);
  queue.close();
  Context c;
  std::vector<std::string> committed;
  int failures = 0;
  auto process = [&](const int& item, WorkerContext&) {
    if (item == 3 && failures++ == 0) throw lockorder::deadlock_victim("victim");
    return item * 10;
  };
  serve(queue, c.context, process, [&](const std::string& key, int result) {
    committed.push_back(key + "=" + std::to_string(result));
  });
  EXPECT_EQ(committed, (std::vector<std::string>{"k0=0", "k1=10", "k2=20", "k4=40", "k3=30"}));
  EXPECT_EQ(queue.retries(), 1u);
}

TEST(WorkQueue, ServeRethrowsACrashAfterPuttingTheItemBack) {
  WorkQueue<int> queue;
  queue.push("k", 1);
  Context c;
  EXPECT_THROW(serve(
                   queue, c.context,
                   [](const int&, WorkerContext&) -> int { throw std::runtime_error("crash"); },
                   [](const std::string&, int) {}),
               std::runtime_error);
  EXPECT_EQ(queue.in_flight(), 0u);
  EXPECT_FALSE(queue.drained());  // back in the queue for another worker
}

}  // namespace
}  // namespace lockorder::watchdog
