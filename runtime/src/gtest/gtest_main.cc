// main() for test programs linked with lockorder::gtest_main: GoogleTest plus the listener that
// fails the test during which lockorder produced a report.
#include <gtest/gtest.h>

#include "lockorder/gtest.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  lockorder::gtest::install();
  return RUN_ALL_TESTS();
}
