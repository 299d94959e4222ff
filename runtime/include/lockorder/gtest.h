// A GoogleTest listener that fails the test during which lockorder produced a report.
//
//   int main(int argc, char** argv) {
//     testing::InitGoogleTest(&argc, argv);
//     lockorder::gtest::install();   // or link lockorder::gtest_main
//     return RUN_ALL_TESTS();
//   }
//
// Each report becomes a non-fatal failure of the running test, naming the report's kind and
// cycle. A report outside any test fails the whole run at its end. Because the failing test is
// already named, install() also sets exitcode=0 so the process status comes from GoogleTest.
#pragma once

#include <gtest/gtest.h>

namespace lockorder::gtest {

// Appends the listener to GoogleTest's listeners. Call after testing::InitGoogleTest.
void install();

}  // namespace lockorder::gtest
