// A fixed number of lock+unlock pairs on one lock, with DEPTH other locks held around the loop
// (taken once, before it), of lockorder::mutex or of std::mutex (the baseline): for counting
// instructions with Valgrind (bench/instruction_counts.sh), which Google Benchmark's timed
// iteration counts would not keep fixed.
// Usage: lock_loop ITERATIONS DEPTH lockorder|std
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "lockorder/lockorder.h"

namespace {

template <class Mutex>
void loop(long iterations, int depth) {
  Mutex outer[8];
  Mutex inner;
  for (int i = 0; i < depth; ++i) outer[i].lock();
  for (long i = 0; i < iterations; ++i) {
    inner.lock();
    inner.unlock();
  }
  for (int i = depth; i-- > 0;) outer[i].unlock();
}

}  // namespace

int main(int argc, char** argv) {
  const int depth = argc == 4 ? std::atoi(argv[2]) : -1;
  if (argc != 4 || depth < 0 || depth > 8 ||
      (std::strcmp(argv[3], "lockorder") != 0 && std::strcmp(argv[3], "std") != 0)) {
    std::fprintf(stderr, "usage: lock_loop ITERATIONS DEPTH(0-8) lockorder|std\n");
    return 2;
  }
  const long iterations = std::atol(argv[1]);
  std::thread([] {}).join();  // glibc uses atomic operations once a thread has existed
  if (std::strcmp(argv[3], "std") == 0)
    loop<std::mutex>(iterations, depth);
  else
    loop<lockorder::mutex>(iterations, depth);
  return 0;
}
