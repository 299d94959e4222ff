// StallDetector: judges workers from their heartbeats, one round at a time.
//
// The watchdog thread calls judge() once per check period. Each worker is then
//   idle         waiting for work (never stalled, however long)
//   paused       vouched for with Heartbeat::extend() until a time not yet reached
//   progressing  beat since the last round, or silent for less than its deadline
//   slow         beating, but its current work item is older than its deadline: warn, never kill
//   stalled      working and silent for longer than its deadline
// A round that starts more than one period plus a tolerance (by default half a period) after the
// previous one is late: the watchdog itself was not running, so the machine was busy and silence
// proves nothing. Such a round judges no one newly stalled, and the time beyond one period that it
// came late is not counted as anyone's silence. A worker already judged stalled stays stalled,
// late rounds or not, until it beats, goes idle or is paused: the watchdog's own delay is no sign
// of the worker's life.
//
// Not thread-safe: one watchdog thread owns it. Time is passed in (steady_clock nanoseconds), so
// that tests control it.
#pragma once

#include <cstdint>
#include <vector>

#include "lockorder/watchdog/heartbeat.h"

namespace lockorder::watchdog {

enum class Verdict { idle, paused, progressing, slow, stalled };
const char* verdict_name(Verdict verdict);

struct Judgement {
  std::size_t worker = 0;  // as returned by watch()
  Verdict verdict = Verdict::idle;
  std::int64_t silent_ns = 0;    // since its last observed beat
  std::int64_t item_age_ns = 0;  // since its current work item began
  const char* pause_reason = nullptr;
};

class StallDetector {
 public:
  explicit StallDetector(Clock::duration period) : StallDetector(period, period / 2) {}
  StallDetector(Clock::duration period, Clock::duration tolerance)
      : period_ns_(Heartbeat::to_ns(period)), tolerance_ns_(Heartbeat::to_ns(tolerance)) {}

  // Starts watching a heartbeat (which must outlive the detector); returns the worker's index.
  std::size_t watch(const Heartbeat& heartbeat, std::int64_t now_ns);

  // Stops watching a worker (its heartbeat may then go away); its index is not reused.
  void forget(std::size_t worker) { watched_.at(worker).heartbeat = nullptr; }

  // Judges every watched worker (forgotten ones are left out).
  std::vector<Judgement> judge(std::int64_t now_ns);
  bool last_round_late() const { return last_round_late_; }

 private:
  struct Watched {
    const Heartbeat* heartbeat;
    std::uint64_t beats;
    std::int64_t last_progress_ns;
    bool stalled = false;  // judged stalled, and no sign of life since
  };
  std::int64_t period_ns_;
  std::int64_t tolerance_ns_;
  std::int64_t previous_round_ns_ = 0;
  bool last_round_late_ = false;
  std::vector<Watched> watched_;
};

}  // namespace lockorder::watchdog
