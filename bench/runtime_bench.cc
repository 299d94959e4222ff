// Runtime overhead against std::mutex, measured in the same run. Not part of ctest:
//   build/bin/runtime_bench
// Targets (docs/PERFORMANCE.md): depth 0 within 1.3x of std::mutex, depth 3 with known orders
// within 1.5x, two threads on private locks at least 0.7x std::mutex's throughput, 2^17 locks in
// a sliding window of 5 under 1 s.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "lock_patterns.h"
#include "lockorder/lockorder.h"

namespace {

// Bytes the process has allocated on the heap right now (what the graph's growth is measured by).
double heap_bytes() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);  // small chunks + mmapped ones
}

// Lock/unlock one mutex while `depth` others (taken in a fixed order) are held.
template <class Mutex>
void BM_LockUnlockAtDepth(benchmark::State& state) {
  const auto depth = static_cast<std::size_t>(state.range(0));
  std::vector<std::unique_ptr<Mutex>> outer;
  for (std::size_t i = 0; i < depth; ++i) outer.push_back(std::make_unique<Mutex>());
  Mutex inner;
  for (auto& m : outer) m->lock();
  for (auto _ : state) lock_unlock(inner);
  for (auto it = outer.rbegin(); it != outer.rend(); ++it) (*it)->unlock();
}
BENCHMARK_TEMPLATE(BM_LockUnlockAtDepth, std::mutex)->Arg(0)->Arg(1)->Arg(3);
BENCHMARK_TEMPLATE(BM_LockUnlockAtDepth, lockorder::mutex)->Arg(0)->Arg(1)->Arg(3);

// A nest of three: lock A, B, C, unlock C, B, A (orders known after the first round).
template <class Mutex>
void BM_NestOfThree(benchmark::State& state) {
  Mutex a, b, c;
  for (auto _ : state) nest_of_three(a, b, c);
}
BENCHMARK_TEMPLATE(BM_NestOfThree, std::mutex);
BENCHMARK_TEMPLATE(BM_NestOfThree, lockorder::mutex);

// Two threads, each nesting two locks of its own: throughput must not collapse on shared state.
template <class Mutex>
void BM_TwoThreadsPrivateNestedLocks(benchmark::State& state) {
  static PrivatePair<Mutex> locks[2];
  PrivatePair<Mutex>& mine = locks[state.thread_index()];
  for (auto _ : state) nested_pair(mine);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_TEMPLATE(BM_TwoThreadsPrivateNestedLocks, std::mutex)->Threads(2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_TwoThreadsPrivateNestedLocks, lockorder::mutex)->Threads(2)->UseRealTime();

// 1M new edges, each to a fresh lock: one lock held while a million new locks are taken once
// each. Reports the time per new edge (with its new node) and the graph memory per edge+node.
void BM_AddOneMillionEdgesToNewLocks(benchmark::State& state) {
  constexpr std::size_t kEdges = 1 << 20;
  for (auto _ : state) {
    state.PauseTiming();
    lockorder::mutex hub;
    auto fresh = std::make_unique<std::vector<lockorder::mutex>>(kEdges);
    const lockorder::runtime_stats before = lockorder::stats();
    const double heap_before = heap_bytes();
    state.ResumeTiming();
    {
      std::lock_guard hold(hub);
      for (auto& m : *fresh) {
        m.lock();
        m.unlock();
      }
    }
    state.PauseTiming();
    const lockorder::runtime_stats after = lockorder::stats();
    state.counters["new_edges"] = static_cast<double>(after.edges - before.edges);
    state.counters["heap_bytes_per_edge_and_node"] =
        (heap_bytes() - heap_before) / static_cast<double>(after.edges - before.edges);
    state.counters["lock_object_bytes"] = sizeof(lockorder::mutex);
    state.counters["std_mutex_bytes"] = sizeof(std::mutex);
    fresh.reset();  // destroying a million locks (and their nodes) is not what is measured
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kEdges);
}
BENCHMARK(BM_AddOneMillionEdgesToNewLocks)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// About 1M new edges among 1,449 locks: every pair (i < j) taken nested once. Reports the time
// and the graph memory per edge alone.
void BM_AddOneMillionEdgesAmongFewLocks(benchmark::State& state) {
  constexpr std::size_t kLocks = 1449;  // 1449 * 1448 / 2 = 1,049,076 pairs
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<lockorder::mutex> locks(kLocks);
    for (auto& m : locks) {  // give every lock its node first, so that only edges are counted
      std::lock_guard a(locks[0]);
      if (&m != &locks[0]) std::lock_guard b(m);
    }
    const lockorder::runtime_stats before = lockorder::stats();
    const double heap_before = heap_bytes();
    state.ResumeTiming();
    for (std::size_t i = 0; i < kLocks; ++i) {
      std::lock_guard outer(locks[i]);
      for (std::size_t j = i + 1; j < kLocks; ++j) {
        locks[j].lock();
        locks[j].unlock();
      }
    }
    state.PauseTiming();
    const lockorder::runtime_stats after = lockorder::stats();
    state.counters["new_edges"] = static_cast<double>(after.edges - before.edges);
    state.counters["heap_bytes_per_edge"] =
        (heap_bytes() - heap_before) / static_cast<double>(after.edges - before.edges);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_AddOneMillionEdgesAmongFewLocks)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// 2^17 locks taken in a sliding window of 5: lock i+5 while i+1..i+4 are held, release i.
template <class Mutex>
void BM_SlidingWindowOf5(benchmark::State& state) {
  constexpr std::size_t kLocks = 1 << 17, kWindow = 5;
  for (auto _ : state) {
    state.PauseTiming();
    auto locks = std::make_unique<std::vector<Mutex>>(kLocks);
    state.ResumeTiming();
    for (std::size_t i = 0; i < kLocks; ++i) {
      (*locks)[i].lock();
      if (i >= kWindow - 1) (*locks)[i - (kWindow - 1)].unlock();
    }
    for (std::size_t i = kLocks - (kWindow - 1); i < kLocks; ++i) (*locks)[i].unlock();
    state.PauseTiming();
    // Destroying the locks (and, for lockorder, their nodes and edges) is reported apart.
    const auto start = std::chrono::steady_clock::now();
    locks.reset();
    state.counters["destroy_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    state.ResumeTiming();
  }
}
BENCHMARK_TEMPLATE(BM_SlidingWindowOf5, std::mutex)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_SlidingWindowOf5, lockorder::mutex)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // glibc skips atomic operations until a process has started a thread: start one, so that
  // std::mutex is measured as it runs in any multi-threaded program.
  std::thread([] {}).join();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
