// The watchdog's costs and speeds. Not part of ctest:
//   build/bin/watchdog_bench
// - heartbeat: one beat (target: under 2 ns);
// - detection latency: from a worker's last beat to the stall incident, against the promise of
//   its deadline plus one check period (ratio reported as `of_promise`, target <= 1);
// - lock-cycle recovery: from the acquisition that closes a cycle to the moment the other
//   thread holds its lock, with the victim either that closing thread or the one already
//   blocked (which notices at its next poll).
#include <benchmark/benchmark.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "lockorder/mutex.h"
#include "lockorder/options.h"
#include "lockorder/watchdog/watchdog.h"

namespace {

using namespace std::chrono_literals;
namespace wd = lockorder::watchdog;
using Clock = std::chrono::steady_clock;

void BM_HeartbeatBeat(benchmark::State& state) {
  wd::Heartbeat heartbeat(1s);
  for (auto _ : state) {
    heartbeat.beat();
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(heartbeat.beats());
}
BENCHMARK(BM_HeartbeatBeat);

// The same with the watchdog reading the counter from another thread all along.
void BM_HeartbeatBeatWhileWatched(benchmark::State& state) {
  wd::Heartbeat heartbeat(1s);
  std::atomic<bool> stop{false};
  std::thread watchdog([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      benchmark::DoNotOptimize(heartbeat.beats());
      std::this_thread::sleep_for(10ms);
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

// Waits for the first incident of a kind; its arrival time.
class FirstIncident {
 public:
  std::function<void(const wd::Incident&)> sink(wd::IncidentKind kind) {
    return [this, kind](const wd::Incident& incident) {
      std::lock_guard guard(mu_);
      if (incident.kind == kind && !at_) at_ = Clock::now();
      cv_.notify_all();
    };
  }
  Clock::time_point wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return at_.has_value(); });
    return *at_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Clock::time_point> at_;
};

// Arguments: deadline and period in milliseconds.
void BM_StallDetectionLatency(benchmark::State& state) {
  const auto deadline = std::chrono::milliseconds(state.range(0));
  const auto period = std::chrono::milliseconds(state.range(1));
  double worst_ms = 0, total_ms = 0;
  for (auto _ : state) {
    FirstIncident stalled;
    wd::WatchdogOptions options;
    options.period = period;
    options.sink = stalled.sink(wd::IncidentKind::stalled);
    wd::Watchdog watchdog(options);
    Clock::time_point last_beat;
    std::atomic<bool> done{false};
    std::thread worker([&] {
      auto registration = watchdog.watch({.name = "w"}, deadline);
      registration.heartbeat().begin_item();
      last_beat = Clock::now();  // begin_item beats: this is the last sign of life
      while (!done) std::this_thread::sleep_for(1ms);
    });
    const auto noticed = stalled.wait();
    done = true;
    worker.join();
    const double ms = std::chrono::duration<double, std::milli>(noticed - last_beat).count();
    state.SetIterationTime(ms / 1000);
    worst_ms = std::max(worst_ms, ms);
    total_ms += ms;
  }
  const double promise_ms = static_cast<double>((deadline + period).count());
  state.counters["mean_ms"] = total_ms / static_cast<double>(state.iterations());
  state.counters["worst_ms"] = worst_ms;
  state.counters["of_promise"] = worst_ms / promise_ms;
}
BENCHMARK(BM_StallDetectionLatency)
    ->Args({50, 10})
    ->Args({200, 20})
    ->Iterations(20)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Argument: 0 = the thread that closes the cycle is the victim, 1 = the thread already blocked.
void BM_LockCycleRecovery(benchmark::State& state) {
  const bool blocked_victim = state.range(0) == 1;
  lockorder::options runtime = lockorder::get_options();
  runtime.log_path = "/dev/null";  // the deadlock reports are not what is measured
  runtime.exitcode = 0;
  lockorder::set_options(runtime);
  wd::WatchdogOptions options;
  options.sink = [](const wd::Incident&) {};
  wd::Watchdog watchdog(options);
  lockorder::mutex a("a"), b("b");
  for (auto _ : state) {
    std::barrier both_hold(2);
    Clock::time_point closing, recovered;
    // The early thread blocks first; the late one closes the cycle 5 ms later.
    auto run = [&](bool late, lockorder::mutex& mine, lockorder::mutex& other) {
      const int priority = (late == blocked_victim) ? 1 : 0;  // the victim has the lower one
      auto registration =
          watchdog.watch({.name = late ? "late" : "early", .priority = priority}, 10s);
      std::lock_guard hold(mine);
      both_hold.arrive_and_wait();
      if (late) {
        std::this_thread::sleep_for(5ms);
        closing = Clock::now();
      }
      try {
        std::lock_guard take(other);
        recovered = Clock::now();
      } catch (const lockorder::deadlock_victim&) {
      }
    };
    std::thread early(run, false, std::ref(a), std::ref(b));
    std::thread late(run, true, std::ref(b), std::ref(a));
    early.join();
    late.join();
    state.SetIterationTime(std::chrono::duration<double>(recovered - closing).count());
  }
}
BENCHMARK(BM_LockCycleRecovery)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(50)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
