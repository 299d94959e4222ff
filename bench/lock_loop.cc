// A fixed number of iterations of one lock pattern, of lockorder::mutex or of std::mutex (the
// baseline): for counting instructions with Valgrind (bench/instruction_counts.sh), which Google
// Benchmark's timed iteration counts would not keep fixed. The patterns (lock_patterns.h) are
// those of bench/runtime_bench.cc:
//   0..8      lock+unlock of one lock with that many others held around the loop
//   nest3     lock A, B, C, unlock C, B, A
//   threads2  two threads, each locking a private outer lock then a private inner one
//   life      pattern 0 on a thread of its own: a lockorder::thread for lockorder (which holds
//             its life under every lock it takes, thread_life.h), a std::thread for std
// Usage: lock_loop ITERATIONS PATTERN lockorder|std
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>
#include <type_traits>

#include "lock_patterns.h"
#include "lockorder/lockorder.h"

namespace {

// Out of line: each pattern compiled on its own, as the benchmark's loops are.
template <class Mutex>
[[gnu::noinline]] void loop_at_depth(long iterations, int depth) {
  Mutex outer[8];
  Mutex inner;
  for (int i = 0; i < depth; ++i) outer[i].lock();
  for (long i = 0; i < iterations; ++i) lock_unlock(inner);
  for (int i = depth; i-- > 0;) outer[i].unlock();
}

template <class Mutex>
[[gnu::noinline]] void loop_nest_of_three(long iterations) {
  Mutex a, b, c;
  for (long i = 0; i < iterations; ++i) nest_of_three(a, b, c);
}

template <class Mutex>
[[gnu::noinline]] void loop_two_threads(long iterations) {
  static PrivatePair<Mutex> locks[2];
  auto run = [iterations](PrivatePair<Mutex>& mine) {
    for (long i = 0; i < iterations; ++i) nested_pair(mine);
  };
  std::thread other(run, std::ref(locks[1]));
  run(locks[0]);
  other.join();
}

template <class Mutex, class Thread>
[[gnu::noinline]] void loop_on_a_thread(long iterations) {
  Thread([iterations] { loop_at_depth<Mutex>(iterations, 0); }).join();
}

template <class Mutex>
bool run(long iterations, std::string_view pattern) {
  if (pattern == "life") {
    if constexpr (std::is_same_v<Mutex, lockorder::mutex>)
      loop_on_a_thread<Mutex, lockorder::thread>(iterations);
    else
      loop_on_a_thread<Mutex, std::thread>(iterations);
  } else if (pattern == "nest3") {
    loop_nest_of_three<Mutex>(iterations);
  } else if (pattern == "threads2") {
    loop_two_threads<Mutex>(iterations);
  } else {
    const int depth = std::atoi(std::string(pattern).c_str());
    if (pattern.empty() || pattern.find_first_not_of("0123456789") != std::string_view::npos ||
        depth > 8)
      return false;
    loop_at_depth<Mutex>(iterations, depth);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const bool lockorder = argc == 4 && std::strcmp(argv[3], "lockorder") == 0;
  if (argc != 4 || (!lockorder && std::strcmp(argv[3], "std") != 0)) {
    std::fprintf(stderr, "usage: lock_loop ITERATIONS 0..8|nest3|threads2|life lockorder|std\n");
    return 2;
  }
  const long iterations = std::atol(argv[1]);
  std::thread([] {}).join();  // glibc uses atomic operations once a thread has existed
  const bool known =
      lockorder ? run<lockorder::mutex>(iterations, argv[2]) : run<std::mutex>(iterations, argv[2]);
  if (!known) {
    std::fprintf(stderr, "lock_loop: unknown pattern '%s'\n", argv[2]);
    return 2;
  }
  return 0;
}
