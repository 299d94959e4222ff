// Running a program (under lockorder-run or not) and collecting what it printed and how it
// ended, with a time limit so that a hang fails the test instead of stalling the suite.
#pragma once

#include <string>
#include <vector>

namespace lockorder::testing {

struct RunResult {
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  bool timed_out = false;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs argv[0] (a path) with `env` added to the environment.
RunResult run_program(const std::vector<std::string>& argv,
                      const std::vector<std::string>& env = {}, int timeout_seconds = 120);

}  // namespace lockorder::testing
