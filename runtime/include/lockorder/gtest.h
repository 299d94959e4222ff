// A GoogleTest listener that fails the test during which lockorder produced a report.
//
//   int main(int argc, char** argv) {
//     testing::InitGoogleTest(&argc, argv);
//     lockorder::gtest::install();   // or link lockorder::gtest_main
//     return RUN_ALL_TESTS();
//   }
//
// Each report becomes a non-fatal failure of the running test (on whichever thread found it),
// naming the report's kind and cycle, located at the test's own line where it took the lock (or
// at the test's definition). The report itself is printed once, on stderr, with GoogleTest's own
// frames left out of its stacks. The process still exits
// with the `exitcode` option (66) when anything was reported, so a report outside any test (in a
// static constructor, say) fails the run too.
#pragma once

#include <gtest/gtest.h>

namespace lockorder::gtest {

// Appends the listener to GoogleTest's listeners. Call after testing::InitGoogleTest.
void install();

}  // namespace lockorder::gtest
