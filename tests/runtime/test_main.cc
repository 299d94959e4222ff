// main() for the runtime tests: these tests provoke reports on purpose, so a report must not
// turn the process's exit status into a failure; each test asserts on what it collected.
#include <gtest/gtest.h>

#include "lockorder/options.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::GTEST_FLAG(death_test_style) = "threadsafe";
  lockorder::options opts = lockorder::get_options();
  opts.exitcode = 0;
  lockorder::set_options(opts);
  return RUN_ALL_TESTS();
}
