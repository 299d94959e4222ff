// WorkerContext: what a supervised worker is given: its heartbeat, its cancellation token, and
// its identity as an owner of work items.
//
// Cancellation is cooperative: a worker checks stop_requested() (or calls throw_if_cancelled())
// between steps of long work; the supervisor asks for it when the watchdog finds the worker
// stalled, and replaces a worker that does not stop in time.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <stop_token>

#include "lockorder/watchdog/heartbeat.h"

namespace lockorder::watchdog {

// Thrown by throw_if_cancelled(); a work queue puts the item back for another attempt.
class work_cancelled : public std::runtime_error {
 public:
  work_cancelled() : std::runtime_error("the worker was cancelled") {}
};

struct WorkerContext {
  std::stop_token stop;
  Heartbeat& heartbeat;
  // Unique per worker thread (a replacement gets a new one): owns the work items it takes.
  std::uint64_t owner = 0;

  bool stop_requested() const noexcept { return stop.stop_requested(); }
  void throw_if_cancelled() const {
    if (stop.stop_requested()) throw work_cancelled();
  }
};

}  // namespace lockorder::watchdog
