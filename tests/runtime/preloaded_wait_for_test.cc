// The wait-for snapshot that crosses from the preload library to a linked watchdog: every field
// survives the trip, and text of another version is refused, not misread.
#include <gtest/gtest.h>

#include <chrono>

#include "lockorder/internal/preloaded_wait_for.h"

namespace lockorder {
namespace {

TEST(PreloadedWaitFor, EveryFieldSurvivesARoundTrip) {
  blocked_thread b;
  b.thread_id = 4242;
  b.thread = "T3 'worker'";
  b.waits_for = "mutex 0x5561 (orders)";
  b.shared = true;
  b.kind = wait_kind::future;
  b.can_give_up = true;
  b.timed = true;
  b.holds = {"inventory", "ledger"};
  b.blocked_by = {4243, 4244};
  b.waited = std::chrono::nanoseconds(123456789);
  std::string error;
  const auto decoded = decode_blocked_threads(encode_blocked_threads({b, blocked_thread{}}), error);
  ASSERT_TRUE(decoded) << error;
  ASSERT_EQ(decoded->size(), 2u);
  const blocked_thread& d = (*decoded)[0];
  EXPECT_EQ(d.thread_id, b.thread_id);
  EXPECT_EQ(d.thread, b.thread);
  EXPECT_EQ(d.waits_for, b.waits_for);
  EXPECT_EQ(d.shared, b.shared);
  EXPECT_EQ(d.kind, b.kind);
  EXPECT_EQ(d.can_give_up, b.can_give_up);
  EXPECT_EQ(d.timed, b.timed);
  EXPECT_EQ(d.holds, b.holds);
  EXPECT_EQ(d.blocked_by, b.blocked_by);
  EXPECT_EQ(d.waited, b.waited);
  EXPECT_EQ((*decoded)[1].kind, wait_kind::lock);
  EXPECT_FALSE((*decoded)[1].can_give_up);
}

TEST(PreloadedWaitFor, AnotherFormatIsRefused) {
  std::string error;
  EXPECT_FALSE(decode_blocked_threads(R"({"format":1,"threads":[]})", error));
  EXPECT_NE(error.find("format 1"), std::string::npos) << error;
  EXPECT_FALSE(decode_blocked_threads(R"([{"tid":1}])", error));  // the unversioned old form
  EXPECT_FALSE(decode_blocked_threads("not json", error));
}

}  // namespace
}  // namespace lockorder
