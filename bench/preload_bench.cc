// pthread mutex operations as a C program makes them, for bench/preload_ratios.sh to time natively
// and under lockorder-run (the preload library's interposers, shadow lookup and fast path). Not
// part of ctest.
#include <benchmark/benchmark.h>
#include <pthread.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace {

// glibc skips atomic operations until a process starts its first thread.
const bool kThreaded = [] {
  std::thread([] {}).join();
  return true;
}();

struct Mutexes {
  explicit Mutexes(std::size_t n) : all(n) {
    for (pthread_mutex_t& m : all) pthread_mutex_init(&m, nullptr);
  }
  ~Mutexes() {
    for (pthread_mutex_t& m : all) pthread_mutex_destroy(&m);
  }
  std::vector<pthread_mutex_t> all;
};

// The same pseudo-random sequence of bucket indexes in every run.
struct Buckets {
  std::uint32_t state = 1;
  std::size_t next(std::size_t n) {
    state = state * 1103515245u + 12345u;
    return (state >> 8) % n;
  }
};

// Lock and unlock one mutex, with `range(0)` others held (taken once, in a fixed order).
void BM_PairAtDepth(benchmark::State& state) {
  Mutexes outer(static_cast<std::size_t>(state.range(0)));
  Mutexes inner(1);
  for (pthread_mutex_t& m : outer.all) pthread_mutex_lock(&m);
  for (auto _ : state) {
    pthread_mutex_lock(&inner.all[0]);
    pthread_mutex_unlock(&inner.all[0]);
  }
  for (auto it = outer.all.rbegin(); it != outer.all.rend(); ++it) pthread_mutex_unlock(&*it);
}
BENCHMARK(BM_PairAtDepth)->Arg(0)->Arg(1);

// One of 4,096 bucket locks (a hash table's), at random: most of them are not in the core's
// caches.
void BM_PairAmongBuckets(benchmark::State& state) {
  Mutexes buckets(4096);
  Buckets pick;
  for (auto _ : state) {
    pthread_mutex_t* m = &buckets.all[pick.next(buckets.all.size())];
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
  }
}
BENCHMARK(BM_PairAmongBuckets);

// A bucket lock at random, and inside it one shared lock (memcached's item lock, then an LRU
// lock): 4,096 lock pairs, learnt in the first iterations, then known.
void BM_BucketThenShared(benchmark::State& state) {
  Mutexes buckets(4096);
  Mutexes shared(1);
  Buckets pick;
  for (auto _ : state) {
    pthread_mutex_t* m = &buckets.all[pick.next(buckets.all.size())];
    pthread_mutex_lock(m);
    pthread_mutex_lock(&shared.all[0]);
    pthread_mutex_unlock(&shared.all[0]);
    pthread_mutex_unlock(m);
  }
}
BENCHMARK(BM_BucketThenShared);

}  // namespace

BENCHMARK_MAIN();
