#include "lockorder/watchdog/watchdog.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <limits>
#include <utility>

#include "lock_explanation.h"
#include "lockorder/runtime.h"
#include "lockorder/watchdog/systemd_notifier.h"
#include "lockorder/watchdog/victim_policy.h"
#include "wait_for_sources.h"

namespace lockorder::watchdog {
namespace {

std::int64_t to_ms(std::int64_t ns) { return ns / 1000000; }

void print_incident(const Incident& incident) {
  std::string out = to_text(incident) + to_json_line(incident) + "\n";
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

struct Watchdog::Worker {
  WorkerInfo info;
  std::shared_ptr<Heartbeat> heartbeat;
  int thread_id = 0;
  std::int64_t started_ns = 0;
  StallHandler on_stall;
  bool abandoned = false;   // given up on: not judged, the first choice of deadlock victim
  bool stall_open = false;  // reported; closes when the worker is no longer stalled
  std::int64_t slow_warned_item = 0;  // item_started_ns of the item last warned about
};

// --- Registration ---------------------------------------------------------------------------

Watchdog::Registration::Registration(Registration&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      index_(other.index_),
      heartbeat_(std::move(other.heartbeat_)) {}

Watchdog::Registration& Watchdog::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    index_ = other.index_;
    heartbeat_ = std::move(other.heartbeat_);
  }
  return *this;
}

Watchdog::Registration::~Registration() { reset(); }

void Watchdog::Registration::reset() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->forget(index_);
}

void Watchdog::Registration::abandon() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->abandon(index_);
}

// --- Watchdog ---------------------------------------------------------------------------------

namespace {

// Process-wide switches several watchdogs may want: every wait published while at least one asks;
// the deadlock resolver owned by the first watchdog that asks, until it goes.
std::atomic<int> g_explaining{0};
std::atomic<const Watchdog*> g_breaking{nullptr};

}  // namespace

Watchdog::Watchdog(WatchdogOptions options)
    : options_(std::move(options)), detector_(options_.period / 3, options_.period / 2) {
  if (options_.systemd_notify) systemd_ = std::make_unique<SystemdNotifier>();
  if (options_.explain_all_waits && g_explaining.fetch_add(1) == 0)
    publish_every_wait_everywhere(true);
  const Watchdog* none = nullptr;
  if (options_.break_deadlocks && g_breaking.compare_exchange_strong(none, this))
    set_deadlock_resolver(
        [this](const std::vector<blocked_thread>& cycle) { return pick_victim(cycle); });
  if (options_.break_deadlocks && !options_.reports_set_exit_status) reports_set_exit_status(false);
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

Watchdog::~Watchdog() {
  const Watchdog* self = this;
  if (g_breaking.compare_exchange_strong(self, nullptr)) set_deadlock_resolver({});
  if (options_.break_deadlocks && !options_.reports_set_exit_status) reports_set_exit_status(true);
  if (options_.explain_all_waits && g_explaining.fetch_sub(1) == 1)
    publish_every_wait_everywhere(false);
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

Watchdog::Registration Watchdog::watch(WorkerInfo info, Clock::duration deadline,
                                       StallHandler on_stall) {
  auto worker = std::make_unique<Worker>();
  worker->info = std::move(info);
  worker->heartbeat = std::make_shared<Heartbeat>(deadline);
  worker->thread_id = static_cast<int>(syscall(SYS_gettid));
  worker->started_ns = Heartbeat::now_ns();
  worker->on_stall = std::move(on_stall);
  Registration registration;
  registration.heartbeat_ = worker->heartbeat;
  registration.owner_ = this;
  std::lock_guard guard(mu_);
  registration.index_ = detector_.watch(*worker->heartbeat, worker->started_ns);
  workers_.push_back(std::move(worker));
  return registration;
}

void Watchdog::forget(std::size_t index) {
  std::lock_guard guard(mu_);
  detector_.forget(index);
  workers_[index].reset();
}

std::uint64_t Watchdog::record(Incident incident) {
  std::lock_guard guard(mu_);
  emit(incident);
  return incident.id;
}

void Watchdog::abandon(std::size_t index) {
  std::lock_guard guard(mu_);
  detector_.forget(index);
  workers_[index]->abandoned = true;
}

bool Watchdog::healthy() const {
  std::lock_guard guard(mu_);
  return healthy_;
}

Counters Watchdog::counters() const {
  std::lock_guard guard(mu_);
  return counters_;
}

void Watchdog::notify_ready(const std::string& status) {
  if (systemd_) systemd_->ready(status);
}

void Watchdog::emit(Incident& incident) {
  incident.id = next_incident_++;
  counters_.count(incident.kind);
  if (options_.sink)
    options_.sink(incident);
  else
    print_incident(incident);
}

// Rounds run three times per period, on a fixed schedule: a beat is seen at most a third of a
// period after it happened, and its absence judged at most a third of a period after the
// deadline, so a stall is noticed within deadline + period of the last beat, with a third of a
// period to spare for the scheduler's wake-up latency.
void Watchdog::run(std::stop_token stop) {
  const Clock::duration interval = options_.period / 3;
  Clock::time_point next = Clock::now() + interval;
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    wake_.wait_until(lock, stop, next, [] { return false; });
    next = std::max(next + interval, Clock::now());
    if (stop.stop_requested()) return;
    lock.unlock();
    round();
    lock.lock();
  }
}

void Watchdog::round() {
  std::vector<std::pair<StallHandler, Incident>> handlers;
  {
    std::lock_guard guard(mu_);
    std::size_t slow = 0;
    std::string stalled_names;
    for (const Judgement& j : detector_.judge(Heartbeat::now_ns())) {
      Worker& w = *workers_[j.worker];
      if (j.verdict != Verdict::stalled) {
        w.stall_open = false;
        if (j.verdict == Verdict::slow) {
          ++slow;
          warn_slow(w, j);
        }
        continue;
      }
      stalled_names += (stalled_names.empty() ? "" : ", ") + w.info.name;
      if (w.stall_open) continue;
      w.stall_open = true;
      Incident incident = stall_incident(w, j);
      emit(incident);
      if (w.on_stall) handlers.emplace_back(w.on_stall, std::move(incident));
    }
    healthy_ = stalled_names.empty();
    notify_systemd(stalled_names, slow);
  }
  for (auto& [handler, incident] : handlers) handler(incident);
}

// Once per work item: slow work is reported, never acted on.
void Watchdog::warn_slow(Worker& worker, const Judgement& judgement) {
  const std::int64_t item = worker.heartbeat->item_started_ns();
  if (worker.slow_warned_item == item) return;
  worker.slow_warned_item = item;
  Incident warning(IncidentKind::slow,
                   "worker '" + worker.info.name + "' is progressing but its item has run " +
                       std::to_string(to_ms(judgement.item_age_ns)) + " ms, past its deadline",
                   "none: a slow worker is never cancelled");
  StuckThread& thread = warning.threads.emplace_back();
  thread.name = worker.info.name;
  thread.thread_id = worker.thread_id;
  thread.item_age_ms = to_ms(judgement.item_age_ns);
  emit(warning);
}

void Watchdog::notify_systemd(const std::string& stalled_names, std::size_t slow) {
  if (!systemd_ || !systemd_->active()) return;
  std::string status = healthy_ ? "workers healthy" : "stalled: " + stalled_names;
  if (slow > 0) status += ", " + std::to_string(slow) + " slow";
  if (status != last_status_) systemd_->status(last_status_ = status);
  // Four pings per WatchdogSec= keep systemd content; more would only load its socket.
  const auto interval = systemd_->watchdog_interval();
  const auto now = Clock::now();
  if (healthy_ && interval.count() > 0 && now - last_ping_ >= interval / 4) {
    last_ping_ = now;
    systemd_->ping();
  }
}

const Watchdog::Worker* Watchdog::worker_with_tid(int thread_id) const {
  const Worker* found = nullptr;  // the latest registration wins: thread ids are reused
  for (const auto& w : workers_)
    if (w && w->thread_id == thread_id) found = w.get();
  return found;
}

Incident Watchdog::stall_incident(const Worker& worker, const Judgement& judgement) {
  std::vector<blocked_thread> snapshot = blocked_threads_everywhere();
  auto name_of = [this](int tid, const std::string& label) {
    const Worker* w = worker_with_tid(tid);
    return w != nullptr ? "'" + w->info.name + "' (" + label + ")" : label;
  };
  LockExplanation why = explain_wait(worker.thread_id, snapshot, name_of);
  Incident incident;
  incident.kind = why.kind;
  incident.summary = "worker '" + worker.info.name + "' has made no progress for " +
                     std::to_string(to_ms(judgement.silent_ns)) + " ms";
  if (why.kind == IncidentKind::lock_cycle)
    incident.summary += ": blocked in a lock cycle";
  else if (why.kind == IncidentKind::lock_chain)
    incident.summary +=
        ": blocked on " + why.waits_for + (why.cycle.empty() ? "" : ", behind a lock cycle");
  incident.cycle = why.cycle;
  StuckThread& stuck = incident.threads.emplace_back();
  stuck.name = worker.info.name;
  stuck.thread_id = worker.thread_id;
  stuck.silent_ms = to_ms(judgement.silent_ns);
  stuck.item_age_ms = to_ms(judgement.item_age_ns);
  stuck.waits_for = why.waits_for;
  stuck.waited_ms = why.waited_ms;
  stuck.holds = why.holds;
  stuck.chain = why.chain;
  incident.action = worker.on_stall ? "cancel, then replace the worker; its item is retried"
                                    : "none (no stall handler)";
  return incident;
}

std::optional<std::size_t> Watchdog::pick_victim(const std::vector<blocked_thread>& cycle) {
  std::lock_guard guard(mu_);
  const std::int64_t now = Heartbeat::now_ns();
  std::vector<std::optional<VictimCandidate>> members;
  Incident incident;
  incident.kind = IncidentKind::deadlock_broken;
  for (const blocked_thread& member : cycle) {
    const Worker* known = worker_with_tid(member.thread_id);
    std::optional<VictimCandidate> candidate;
    // A thread in a wait that cannot give up (a condition wait): only the others may be victims.
    if (known != nullptr && member.can_give_up) {
      const std::int64_t item = known->heartbeat->item_started_ns();
      candidate = VictimCandidate{
          known->abandoned ? std::numeric_limits<int>::min() : known->info.priority,
          known->info.critical && !known->abandoned, item == 0 ? 0 : now - item, known->started_ns};
    }
    members.push_back(candidate);
    incident.cycle.push_back(member.waits_for);
    StuckThread& stuck = incident.threads.emplace_back();
    stuck.name = known != nullptr ? known->info.name : member.thread;
    stuck.thread_id = member.thread_id;
    stuck.waits_for = member.waits_for;
    stuck.waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(member.waited).count();
    stuck.holds = member.holds;
  }
  std::optional<std::size_t> victim = choose_victim(members);
  incident.summary = std::to_string(cycle.size()) + " threads blocked in a cycle";
  if (victim) {
    const blocked_thread& chosen = cycle[*victim];
    incident.action = "victim " + incident.threads[*victim].name + ": its " +
                      (chosen.kind == wait_kind::lock ? "acquisition of " : "wait for ") +
                      chosen.waits_for + " throws lockorder::deadlock_victim; the others proceed";
  } else {
    incident.kind = IncidentKind::lock_cycle;
    incident.action =
        "none: no member may be a victim (critical, not watched, or in a wait that cannot give "
        "up); on_deadlock applies";
  }
  emit(incident);
  return victim;
}

}  // namespace lockorder::watchdog
