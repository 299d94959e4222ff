// The watchdog's cost to a worker: one heartbeat. Target (issue): under 2 ns. Not part of ctest:
//   build/bin/watchdog_bench
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "lockorder/watchdog/heartbeat.h"

namespace {

void BM_HeartbeatBeat(benchmark::State& state) {
  lockorder::watchdog::Heartbeat heartbeat(std::chrono::seconds(1));
  for (auto _ : state) {
    heartbeat.beat();
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(heartbeat.beats());
}
BENCHMARK(BM_HeartbeatBeat);

// The same with the watchdog reading the counter from another thread all along.
void BM_HeartbeatBeatWhileWatched(benchmark::State& state) {
  lockorder::watchdog::Heartbeat heartbeat(std::chrono::seconds(1));
  std::atomic<bool> stop{false};
  std::thread watchdog([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      benchmark::DoNotOptimize(heartbeat.beats());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  for (auto _ : state) {
    heartbeat.beat();
    benchmark::ClobberMemory();
  }
  stop = true;
  watchdog.join();
}
BENCHMARK(BM_HeartbeatBeatWhileWatched);

}  // namespace

BENCHMARK_MAIN();
