// Supervisor: runs workers, replaces the ones that stall, restarts the ones that fail, and
// escalates to a process restart when failures repeat (Erlang/OTP's supervisor, in C++).
//
// Contract:
//   - Each worker runs spec.run on a thread of its own, watched by the Watchdog. A worker the
//     watchdog finds stalled is asked to stop (its stop_token); if it has not returned after
//     cancel_grace it is given up on: left running detached (a thread cannot be killed), its
//     work items released (spec.release), and a replacement started. A worker whose run
//     throws has failed and is restarted. A worker whose run returns on its own is done.
//   - Restarts: one_for_one restarts the failed worker; one_for_all stops and restarts all of
//     them. Each restart waits an exponential backoff (backoff_initial doubling up to
//     backoff_max, times 1 ± jitter, never more than backoff_max); only a worker that then ran
//     healthy_after or longer starts again from backoff_initial, so one that keeps failing soon
//     after each start keeps waiting longer.
//   - Escalation: more than max_restarts restarts within restart_period, or more than
//     max_abandoned workers given up on, calls `escalate` (default: report, then exit with
//     status 70 for lockorder-supervise or systemd to restart the process). No more restarts
//     happen after it.
//   - The Watchdog, and whatever spec.run and spec.release use, must outlive the Supervisor and
//     any worker it gave up on.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "lockorder/watchdog/incident.h"
#include "lockorder/watchdog/watchdog.h"
#include "lockorder/watchdog/worker_context.h"

namespace lockorder::watchdog {

enum class RestartStrategy { one_for_one, one_for_all };

struct SupervisorOptions {
  RestartStrategy strategy = RestartStrategy::one_for_one;
  int max_restarts = 5;
  Clock::duration restart_period = std::chrono::seconds(60);
  Clock::duration backoff_initial = std::chrono::milliseconds(10);
  Clock::duration backoff_max = std::chrono::seconds(2);
  double jitter = 0.2;
  Clock::duration healthy_after = std::chrono::minutes(10);
  Clock::duration cancel_grace = std::chrono::milliseconds(500);
  int max_abandoned = 8;
  // Called once, on the supervisor's thread, after the incident was recorded with the watchdog.
  // Default: _Exit(70) (stuck threads make a normal exit unsafe).
  std::function<void(const Incident&)> escalate{};
};

struct WorkerSpec {
  WorkerInfo info{};
  Clock::duration deadline = std::chrono::seconds(1);  // silence allowed while working
  std::function<void(WorkerContext&)> run{};
  // Gives back the work items held by a worker that was given up on (see WorkQueue).
  std::function<void(std::uint64_t owner)> release{};
};

struct SupervisorStats {
  std::uint64_t restarts = 0;      // after a failure (an exception out of run)
  std::uint64_t replacements = 0;  // after a stall (cancelled or given up on)
  std::uint64_t abandoned = 0;     // workers given up on, still running somewhere
  bool escalated = false;
};

class Supervisor {
 public:
  explicit Supervisor(Watchdog& watchdog, SupervisorOptions options = {});
  ~Supervisor();  // stop()
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts a worker now. Throws std::invalid_argument without spec.run, std::logic_error after
  // stop().
  void add(WorkerSpec spec);
  // Asks every worker to stop and waits up to cancel_grace for each; no more restarts.
  void stop();
  SupervisorStats stats() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace lockorder::watchdog
