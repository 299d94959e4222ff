// Watchdog: a thread that watches workers' heartbeats, notices stalls, explains them with the
// runtime's lock wait-for graph, and starts recovery.
//
// Contract:
//   - A worker calls watch() on its own thread (its thread id names it in the wait-for graph)
//     and keeps the Registration while it works; the Heartbeat it gets is its to beat.
//   - Three times per `period` the watchdog judges each worker (see StallDetector), so that a stall
//   is
//     noticed within deadline + period of the worker's last beat: a slow worker is
//     warned about once per work item and never acted on; a stalled worker is explained (the
//     lock it waits for, who holds it, the chain to a cycle) and reported once per incident,
//     then its stall handler runs (a Supervisor cancels and replaces it).
//   - With break_deadlocks (the default) the watchdog installs the runtime's deadlock resolver:
//     the moment watched workers block in a lock cycle, a victim is chosen by victim_policy.h
//     and its acquisition throws lockorder::deadlock_victim. Threads that are not watched, and
//     critical workers, are never chosen. The first Watchdog that asks breaks deadlocks for the
//     whole process until it is destroyed; later ones only watch and explain.
//   - Incidents go to the sink (default: text and one JSON line to stderr); counters() counts
//     them. healthy() is true while no watched worker is stalled.
//   - systemd: when NOTIFY_SOCKET is set, notify_ready() sends READY=1; healthy rounds send
//     WATCHDOG=1 four times per WatchdogSec= (set the period below a quarter of it), and STATUS=
//     says how the workers are when that changes. An unhealthy round sends no WATCHDOG=1, so
//     systemd restarts a wedged daemon and never a healthy one.
// Lifetime: a Watchdog must outlive its Registrations and any Supervisor that uses it.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lockorder/wait_for.h"
#include "lockorder/watchdog/heartbeat.h"
#include "lockorder/watchdog/incident.h"
#include "lockorder/watchdog/stall_detector.h"

namespace lockorder::watchdog {

struct WorkerInfo {
  std::string name{};
  int priority = 0;       // higher is more important (a deadlock victim is the lowest)
  bool critical = false;  // never a deadlock victim
};

struct WatchdogOptions {
  Clock::duration period = std::chrono::milliseconds(100);
  bool break_deadlocks = true;
  // Make every blocked acquisition visible to explanations, not only nested ones.
  bool explain_all_waits = true;
  // Where incidents go. Default: to_text() and to_json_line() on stderr.
  std::function<void(const Incident&)> sink{};
  bool systemd_notify = true;  // talk to systemd when NOTIFY_SOCKET is set
  // Whether lockorder's reports (the deadlocks it breaks, the inversions behind them) set the
  // process's exit status while this watchdog breaks deadlocks. Off: a daemon that recovered
  // exits with its own status (see lockorder::reports_set_exit_status).
  bool reports_set_exit_status = false;
};

class SystemdNotifier;

class Watchdog {
 public:
  using StallHandler = std::function<void(const Incident&)>;

  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    ~Registration();
    Heartbeat& heartbeat() const { return *heartbeat_; }
    // Stops watching now (the destructor does it otherwise).
    void reset();
    // The worker was given up on: no longer judged, but still known, as the first choice of
    // victim should it be part of a deadlock (its work was already handed to others).
    void abandon();

   private:
    friend class Watchdog;
    Watchdog* owner_ = nullptr;
    std::size_t index_ = 0;
    std::shared_ptr<Heartbeat> heartbeat_;
  };

  explicit Watchdog(WatchdogOptions options = {});
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // On the worker's thread. `deadline`: how long it may go without a beat while working.
  // `on_stall` runs on the watchdog thread once per stall incident.
  Registration watch(WorkerInfo info, Clock::duration deadline, StallHandler on_stall = {});

  // Records an incident that recovery produced elsewhere (a Supervisor's restarts); returns the
  // id it was given.
  std::uint64_t record(Incident incident);

  bool healthy() const;
  Counters counters() const;
  void notify_ready(const std::string& status = "");

 private:
  struct Worker;
  void run(std::stop_token stop);
  void round();
  Incident stall_incident(const Worker& worker, const Judgement& judgement);
  void warn_slow(Worker& worker, const Judgement& judgement);
  void notify_systemd(const std::string& stalled_names, std::size_t slow);
  const Worker* worker_with_tid(int thread_id) const;  // mu_ held
  std::optional<std::size_t> pick_victim(const std::vector<blocked_thread>& cycle);
  void forget(std::size_t index);
  void abandon(std::size_t index);
  void emit(Incident& incident);  // assigns the id, counts, sends to the sink; mu_ held

  const WatchdogOptions options_;
  mutable std::mutex mu_;
  std::condition_variable_any wake_;
  StallDetector detector_;
  std::vector<std::unique_ptr<Worker>> workers_;  // by detector index; null once forgotten
  Counters counters_;
  std::uint64_t next_incident_ = 1;
  bool healthy_ = true;
  std::unique_ptr<SystemdNotifier> systemd_;
  std::string last_status_;
  Clock::time_point last_ping_{};
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace lockorder::watchdog
