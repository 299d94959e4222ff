#include "lock_explanation.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace lockorder::watchdog {
namespace {

// What `t` waits for, as one step of a chain.
std::string waits_untimed(const blocked_thread& t) {
  switch (t.kind) {
    case wait_kind::lock:
      return " waits for " + t.waits_for;
    case wait_kind::condition:
      return " waits on a condition variable, then for " + t.waits_for;
    case wait_kind::join:
    case wait_kind::future:
      return " waits for " + t.waits_for;
    case wait_kind::semaphore:
    case wait_kind::notification:
      return " waits on " + t.waits_for;
    case wait_kind::arrival:
      return " waits at " + t.waits_for;
  }
  return " waits for " + t.waits_for;
}
std::string waits(const blocked_thread& t) {
  return waits_untimed(t) + (t.timed ? " (with a timeout)" : "");
}

// Whether `t` waits for the holders of a lock (the threads it waits for hold it), rather than
// for threads that would end its wait (a joined thread, a semaphore's releasers, ...).
bool waits_for_holders(const blocked_thread& t) {
  return t.kind == wait_kind::lock || t.kind == wait_kind::condition;
}

}  // namespace

LockExplanation explain_wait(int thread_id, const std::vector<blocked_thread>& snapshot,
                             const ThreadNamer& name_of) {
  std::unordered_map<int, const blocked_thread*> by_id;
  for (const blocked_thread& b : snapshot) by_id.emplace(b.thread_id, &b);
  LockExplanation out;
  auto start = by_id.find(thread_id);
  if (start == by_id.end()) return out;  // not blocked on an instrumented lock
  const blocked_thread* me = start->second;
  // Waiting on a condition variable whose mutex no blocked thread holds: a wait for a signal.
  if (me->kind == wait_kind::condition && me->blocked_by.empty()) return out;
  out.kind = IncidentKind::lock_chain;
  out.waits_for = me->waits_for;
  out.waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(me->waited).count();
  out.holds = me->holds;

  // Follow the first blocked holder at each step; a thread seen before closes a cycle.
  std::vector<const blocked_thread*> path{me};
  for (const blocked_thread* at = me;;) {
    const std::string who = name_of(at->thread_id, at->thread);
    auto next = at->blocked_by.empty() ? by_id.end() : by_id.find(at->blocked_by.front());
    if (next == by_id.end()) {
      out.chain.push_back(at->kind == wait_kind::condition
                              ? who + " waits on a condition variable (its mutex " + at->waits_for +
                                    " is free or held by a thread that is not blocked on a lock)"
                          : waits_for_holders(*at)
                              ? who + waits(*at) +
                                    ", held by a thread that is not blocked on a lock"
                              : who + waits(*at) + ", for a thread that is not blocked");
      return out;
    }
    const blocked_thread* holder = next->second;
    const std::string next_name = name_of(holder->thread_id, holder->thread);
    out.chain.push_back(who + waits(*at) +
                        (waits_for_holders(*at) ? " held by " + next_name
                                                : ", for " + next_name + ", which is blocked"));
    auto seen = std::find(path.begin(), path.end(), holder);
    if (seen != path.end()) {
      // The worker is in the cycle, or blocked on a chain that leads into one.
      if (seen == path.begin()) out.kind = IncidentKind::lock_cycle;
      for (auto i = seen; i != path.end(); ++i) out.cycle.push_back((*i)->waits_for);
      return out;
    }
    path.push_back(holder);
    at = holder;
  }
}

}  // namespace lockorder::watchdog
