// Test support: a thread-safe sink that keeps the watchdog's incidents and lets a test wait for
// one of a kind, and a quick watchdog that feeds it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "lockorder/watchdog/incident.h"
#include "lockorder/watchdog/watchdog.h"

namespace lockorder::watchdog::testing {

class IncidentLog {
 public:
  std::function<void(const Incident&)> sink() {
    return [this](const Incident& incident) {
      std::lock_guard guard(mu_);
      incidents_.push_back(incident);
      cv_.notify_all();
    };
  }
  std::vector<Incident> of_kind(IncidentKind kind) {
    std::lock_guard guard(mu_);
    std::vector<Incident> out;
    for (const Incident& i : incidents_)
      if (i.kind == kind) out.push_back(i);
    return out;
  }
  // Every incident so far as text, for a failure message.
  std::string text() {
    std::lock_guard guard(mu_);
    std::string out;
    for (const Incident& i : incidents_) out += to_text(i);
    return out;
  }
  // Waits (up to a generous bound, so that a broken build fails instead of hanging) until
  // `count` incidents of `kind` were recorded.
  bool wait_for(IncidentKind kind, std::size_t count = 1,
                std::chrono::seconds bound = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, bound, [&] {
      std::size_t n = 0;
      for (const Incident& i : incidents_) n += i.kind == kind;
      return n >= count;
    });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Incident> incidents_;
};

// A watchdog that looks every 10 ms and sends its incidents to `log`.
inline WatchdogOptions fast(IncidentLog& log) {
  WatchdogOptions options;
  options.period = std::chrono::milliseconds(10);
  options.sink = log.sink();
  return options;
}

}  // namespace lockorder::watchdog::testing
