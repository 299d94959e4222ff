#include "lockorder/watchdog/supervisor.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace lockorder::watchdog {

// One run of a worker: a thread, and what the supervisor knows about it.
struct Incarnation {
  std::uint64_t owner = 0;
  std::jthread thread;
  Watchdog::Registration registration;  // guarded by State::mu
  Clock::time_point started;
  bool cancelling = false;
  Clock::time_point cancel_deadline;
};

struct Supervisor::State : std::enable_shared_from_this<Supervisor::State> {
  enum class EventKind { stalled, returned, failed };
  struct Event {
    EventKind kind;
    std::size_t slot;
    std::uint64_t owner;
    std::string error;
  };
  struct Slot {
    std::shared_ptr<const WorkerSpec> spec;
    std::shared_ptr<Incarnation> current;
    int failures = 0;  // consecutive: sets the backoff
    std::optional<Clock::time_point> restart_at;
  };

  State(Watchdog& w, SupervisorOptions o) : watchdog(w), options(std::move(o)) {}

  Watchdog& watchdog;
  const SupervisorOptions options;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;
  std::vector<Slot> slots;
  std::deque<Clock::time_point> restarts;  // within restart_period, for the intensity
  SupervisorStats stats;
  bool stopping = false;
  std::uint64_t next_owner = 1;
  std::mt19937_64 random{std::random_device{}()};
  std::optional<Incident> escalation;  // to hand to `escalate`, outside the lock
  std::vector<std::jthread> finished;  // threads to join outside the lock
  std::jthread control;

  void start(std::size_t slot);
  void run_control(std::stop_token stop);
  Clock::time_point next_timer() const;
  void handle(const Event& event, Clock::time_point now);
  void fire_timers(Clock::time_point now);
  void cancel(Incarnation& incarnation, Clock::time_point now);
  void give_up(std::size_t slot, Clock::time_point now);
  void schedule_restart(std::size_t slot, IncidentKind kind, const std::string& why,
                        Clock::time_point now);
  Clock::duration backoff(Slot& slot);
  void escalate(const std::string& why);
  void post(Event event) {
    events.push_back(std::move(event));
    cv.notify_all();
  }
};

namespace {

// The incident was already recorded (and so printed or logged) by the watchdog.
void default_escalation(const Incident&) {
  std::fflush(nullptr);
  std::_Exit(70);  // EX_SOFTWARE; stuck threads make a normal exit unsafe
}

}  // namespace

// A worker thread: registers with the watchdog on its own thread, runs, and says how it ended.
void Supervisor::State::start(std::size_t slot_index) {
  std::shared_ptr<State> self = shared_from_this();
  Slot& slot = slots[slot_index];
  auto incarnation = std::make_shared<Incarnation>();
  incarnation->owner = next_owner++;
  incarnation->started = Clock::now();
  slot.current = incarnation;
  slot.restart_at.reset();
  incarnation->thread =
      std::jthread([self, incarnation, slot_index, spec = slot.spec](std::stop_token stop) {
        const std::uint64_t owner = incarnation->owner;
        std::weak_ptr<State> weak = self;
        Watchdog::Registration registration = self->watchdog.watch(
            spec->info, spec->deadline, [weak, slot_index, owner](const Incident&) {
              if (auto state = weak.lock()) {
                std::lock_guard guard(state->mu);
                state->post({EventKind::stalled, slot_index, owner, ""});
              }
            });
        Heartbeat& heartbeat = registration.heartbeat();
        {
          std::lock_guard guard(self->mu);
          incarnation->registration = std::move(registration);
        }
        WorkerContext context{stop, heartbeat, owner};
        Event ended{EventKind::returned, slot_index, owner, ""};
        try {
          spec->run(context);
        } catch (const std::exception& e) {
          ended = {EventKind::failed, slot_index, owner, e.what()};
        } catch (...) {
          ended = {EventKind::failed, slot_index, owner, "unknown exception"};
        }
        std::lock_guard guard(self->mu);
        incarnation->registration.reset();
        self->post(std::move(ended));
      });
}

void Supervisor::State::run_control(std::stop_token stop) {
  std::unique_lock lock(mu);
  for (;;) {
    cv.wait_until(lock, next_timer(), [&] { return !events.empty() || stop.stop_requested(); });
    const auto now = Clock::now();
    while (!events.empty()) {
      Event event = std::move(events.front());
      events.pop_front();
      handle(event, now);
    }
    fire_timers(now);
    std::vector<std::jthread> to_join = std::move(finished);
    std::optional<Incident> escalating = std::exchange(escalation, std::nullopt);
    const bool all_gone = std::none_of(slots.begin(), slots.end(),
                                       [](const Slot& s) { return s.current != nullptr; });
    lock.unlock();
    to_join.clear();  // joins: each of these threads has already said it ended
    if (escalating) (options.escalate ? options.escalate : default_escalation)(*escalating);
    lock.lock();
    if (stopping && all_gone && events.empty()) return;
  }
}

Clock::time_point Supervisor::State::next_timer() const {
  Clock::time_point next = Clock::now() + std::chrono::milliseconds(100);
  for (const Slot& slot : slots) {
    if (slot.restart_at) next = std::min(next, *slot.restart_at);
    if (slot.current && slot.current->cancelling)
      next = std::min(next, slot.current->cancel_deadline);
  }
  return next;
}

void Supervisor::State::handle(const Event& event, Clock::time_point now) {
  Slot& slot = slots[event.slot];
  Incarnation* current = slot.current.get();
  if (current == nullptr || current->owner != event.owner) return;  // an old incarnation
  if (event.kind == EventKind::stalled) {
    if (!current->cancelling) cancel(*current, now);
    return;
  }
  finished.push_back(std::move(current->thread));
  const bool cancelled = current->cancelling;
  const auto lived = now - current->started;
  if (slot.spec->release) slot.spec->release(event.owner);
  slot.current.reset();
  if (stopping) return;  // stopped on request: nothing to restart, nothing to count
  if (lived >= options.healthy_after) slot.failures = 0;
  if (event.kind == EventKind::failed) {
    ++stats.restarts;
    schedule_restart(event.slot, IncidentKind::restarted,
                     "worker '" + slot.spec->info.name + "' failed: " + event.error, now);
    if (options.strategy == RestartStrategy::one_for_all)
      for (Slot& other : slots)
        if (other.current && !other.current->cancelling) cancel(*other.current, now);
  } else if (cancelled) {
    ++stats.replacements;
    schedule_restart(event.slot, IncidentKind::replaced,
                     "worker '" + slot.spec->info.name + "' stopped when cancelled", now);
  }
  // Returned on its own: the worker is done.
}

void Supervisor::State::fire_timers(Clock::time_point now) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    Slot& slot = slots[i];
    if (slot.current && slot.current->cancelling && now >= slot.current->cancel_deadline)
      give_up(i, now);
    if (!slot.current && slot.restart_at && now >= *slot.restart_at && !stopping &&
        !stats.escalated)
      start(i);
  }
}

void Supervisor::State::cancel(Incarnation& incarnation, Clock::time_point now) {
  incarnation.cancelling = true;
  incarnation.cancel_deadline = now + options.cancel_grace;
  incarnation.thread.request_stop();
}

// A cancelled worker that did not stop: leave it running, take its items back, replace it.
void Supervisor::State::give_up(std::size_t slot_index, Clock::time_point now) {
  Slot& slot = slots[slot_index];
  std::shared_ptr<Incarnation> stuck = std::move(slot.current);
  stuck->thread.detach();
  stuck->registration.abandon();
  if (slot.spec->release) slot.spec->release(stuck->owner);
  ++stats.abandoned;
  ++stats.replacements;
  if (stats.abandoned > static_cast<std::uint64_t>(options.max_abandoned)) {
    escalate(std::to_string(stats.abandoned) + " stuck workers given up on (limit " +
             std::to_string(options.max_abandoned) + ")");
    return;
  }
  schedule_restart(
      slot_index, IncidentKind::replaced,
      "worker '" + slot.spec->info.name + "' did not stop within " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::milliseconds>(options.cancel_grace).count()) +
          " ms of being cancelled: given up on, its items released",
      now);
}

void Supervisor::State::schedule_restart(std::size_t slot_index, IncidentKind kind,
                                         const std::string& why, Clock::time_point now) {
  if (stopping || stats.escalated) return;
  while (!restarts.empty() && now - restarts.front() > options.restart_period) restarts.pop_front();
  restarts.push_back(now);
  if (restarts.size() > static_cast<std::size_t>(options.max_restarts)) {
    escalate(std::to_string(restarts.size()) + " restarts within " +
             std::to_string(
                 std::chrono::duration_cast<std::chrono::seconds>(options.restart_period).count()) +
             " s (limit " + std::to_string(options.max_restarts) + "); last: " + why);
    return;
  }
  Slot& slot = slots[slot_index];
  const Clock::duration delay = backoff(slot);
  slot.restart_at = now + delay;
  Incident incident(kind, why);
  incident.action =
      "restart in " +
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()) +
      " ms (attempt " + std::to_string(slot.failures) + ")";
  watchdog.record(std::move(incident));
}

Clock::duration Supervisor::State::backoff(Slot& slot) {
  const int doublings = std::min(slot.failures++, 30);
  const double base = std::min<double>(
      static_cast<double>(options.backoff_initial.count()) * static_cast<double>(1ull << doublings),
      static_cast<double>(options.backoff_max.count()));
  std::uniform_real_distribution<double> spread(1.0 - options.jitter, 1.0 + options.jitter);
  // The jitter spreads the wait, but never past backoff_max.
  return Clock::duration(static_cast<Clock::rep>(
      std::min(base * spread(random), static_cast<double>(options.backoff_max.count()))));
}

void Supervisor::State::escalate(const std::string& why) {
  if (stats.escalated) return;
  stats.escalated = true;
  for (Slot& slot : slots) slot.restart_at.reset();
  Incident incident(IncidentKind::escalated, why, "restart the process");
  incident.id = watchdog.record(incident);
  escalation = std::move(incident);
}

// --- Supervisor ----------------------------------------------------------------------------

Supervisor::Supervisor(Watchdog& watchdog, SupervisorOptions options)
    : state_(std::make_shared<State>(watchdog, std::move(options))) {
  state_->control =
      std::jthread([state = state_.get()](std::stop_token stop) { state->run_control(stop); });
}

Supervisor::~Supervisor() { stop(); }

void Supervisor::add(WorkerSpec spec) {
  std::lock_guard guard(state_->mu);
  if (state_->stopping) throw std::logic_error("lockorder::watchdog::Supervisor::add after stop()");
  if (!spec.run)
    throw std::invalid_argument("lockorder::watchdog::Supervisor::add: no run function");
  state_->slots.push_back({std::make_shared<const WorkerSpec>(std::move(spec)), nullptr, 0, {}});
  state_->start(state_->slots.size() - 1);
}

void Supervisor::stop() {
  {
    std::lock_guard guard(state_->mu);
    if (!state_->stopping) {
      state_->stopping = true;
      const auto now = Clock::now();
      for (State::Slot& slot : state_->slots) {
        slot.restart_at.reset();
        if (slot.current && !slot.current->cancelling) state_->cancel(*slot.current, now);
      }
    }
    state_->cv.notify_all();
  }
  if (state_->control.joinable()) state_->control.join();
}

SupervisorStats Supervisor::stats() const {
  std::lock_guard guard(state_->mu);
  return state_->stats;
}

}  // namespace lockorder::watchdog
