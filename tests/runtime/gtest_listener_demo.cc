// Run by ctest: with lockorder::gtest_main, the test that inverts two locks must fail (naming
// the report) and the clean one must pass.
#include <gtest/gtest.h>

#include <mutex>

#include "lockorder/lockorder.h"

TEST(ListenerDemo, TakesLocksInOneOrder) {
  lockorder::mutex a("a"), b("b");
  for (int i = 0; i < 2; ++i) {
    std::lock_guard ga(a);
    std::lock_guard gb(b);
  }
}

TEST(ListenerDemo, TakesLocksInBothOrders) {
  lockorder::mutex a("a"), b("b");
  {
    std::lock_guard ga(a);
    std::lock_guard gb(b);
  }
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}
