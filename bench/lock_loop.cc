// A fixed number of lock+unlock pairs of lockorder::mutex, with nothing held (depth 0) or under
// one other lock (depth 1): for counting instructions with Valgrind (bench/instruction_counts.sh),
// which Google Benchmark's timed iteration counts would not keep fixed.
// Usage: lock_loop ITERATIONS DEPTH
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "lockorder/lockorder.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: lock_loop ITERATIONS 0|1\n");
    return 2;
  }
  const long iterations = std::atol(argv[1]);
  const bool nested = std::atoi(argv[2]) != 0;
  std::thread([] {}).join();  // glibc uses atomic operations once a thread has existed
  lockorder::mutex outer("outer"), inner("inner");
  for (long i = 0; i < iterations; ++i) {
    if (nested) outer.lock();
    inner.lock();
    inner.unlock();
    if (nested) outer.unlock();
  }
  return 0;
}
