#include "waits/wait_for_graph.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "lockorder/report/report.h"
#include "order/order_checker.h"
#include "waits/futex_wait.h"

namespace lockorder::internal {
namespace {

bool conflicts(Mode a, Mode b) { return a == Mode::exclusive || b == Mode::exclusive; }

const HeldLock* find_hold(const std::vector<HeldLock>& holds, const LockMeta* lock) {
  for (const HeldLock& h : holds)
    if (h.lock == lock) return &h;
  return nullptr;
}

bool waits_for_lock(WaitForGraph::Wait wait) {
  return wait == WaitForGraph::Wait::lock || wait == WaitForGraph::Wait::condition;
}

// A semaphore as reports name it: its given name, or where it was made.
std::string waitable_label(const WaitableMeta& waitable) {
  if (waitable.name != nullptr) return waitable.name;
  std::string file = waitable.site.file_name();
  file = file.substr(file.rfind('/') + 1);
  return "semaphore at " + file + ":" + std::to_string(waitable.site.line());
}

std::string blocked_for(std::chrono::steady_clock::duration waited) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(waited).count();
  return "blocked " + std::to_string(ms) + " ms";
}

}  // namespace

WaitForGraph& wait_for_graph() {
  static WaitForGraph* graph = new WaitForGraph;  // never destroyed: threads may block at exit
  return *graph;
}

WaitForGraph::Waiter WaitForGraph::waiter_of(ThreadState& thread, Wait wait, std::uint32_t stack) {
  Waiter waiter;
  waiter.thread = &thread;
  waiter.label = &thread.label();
  waiter.wait = wait;
  waiter.stack = stack;
  if (waits_for_lock(wait)) {  // the newest entry is the pending acquisition
    waiter.pending = thread.held.back();
    waiter.holds.assign(thread.held.begin(), thread.held.end() - 1);
  } else {
    waiter.holds.assign(thread.held.begin(), thread.held.end());
  }
  return waiter;
}

std::optional<WaitForGraph::Deadlock> WaitForGraph::block(ThreadState& thread, Wait wait,
                                                          std::uint32_t stack) {
  if (thread.held.empty()) return std::nullopt;
  return publish(waiter_of(thread, wait, stack));
}

std::optional<WaitForGraph::Deadlock> WaitForGraph::block_beyond_locks(ThreadState& thread,
                                                                       BeyondLocks what,
                                                                       std::uint32_t stack) {
  constexpr Wait kWaits[] = {Wait::join, Wait::waitable, Wait::future};  // by alternative
  Waiter waiter = waiter_of(thread, kWaits[what.index()], stack);
  waiter.beyond = what;
  return publish(std::move(waiter));
}

std::optional<WaitForGraph::Deadlock> WaitForGraph::publish(Waiter waiter) {
  waiter.since = std::chrono::steady_clock::now();
  const ThreadState& thread = *waiter.thread;
  std::vector<Member> cycle;
  Deadlock deadlock;
  {
    std::lock_guard guard(mu_);
    unblock_locked(thread);
    made_.clear();
    labels_.clear();
    auto [it, inserted] = waiters_.emplace(&thread, std::move(waiter));
    const Waiter& published = it->second;
    for (const HeldLock& h : published.holds) holders_.emplace(h.lock, &published);
    if (waits_for_lock(published.wait) && published.pending.mode == Mode::exclusive)
      queued_.emplace(published.pending.lock, &published);
    copy_members(find_cycle(published), cycle, deadlock);
  }
  if (cycle.empty()) return std::nullopt;
  deadlock.report = deadlock_report(cycle);
  return deadlock;
}

std::optional<WaitForGraph::Deadlock> WaitForGraph::search_again(const ThreadState& thread) {
  std::vector<Member> cycle;
  Deadlock deadlock;
  {
    std::lock_guard guard(mu_);
    auto it = waiters_.find(&thread);
    if (it == waiters_.end()) return std::nullopt;
    made_.clear();
    labels_.clear();
    copy_members(find_cycle(it->second), cycle, deadlock);
  }
  if (cycle.empty()) return std::nullopt;
  deadlock.report = deadlock_report(cycle);
  return deadlock;
}

void WaitForGraph::copy_members(const std::vector<const Waiter*>& members,
                                std::vector<Member>& cycle, Deadlock& deadlock) const {
  const auto now = std::chrono::steady_clock::now();
  for (const Waiter* member : members) {
    cycle.push_back({*member, *member->label});
    deadlock.threads.push_back(member->thread);
    deadlock.view.push_back(view(*member, now));
  }
}

bool WaitForGraph::choose_victim(const ThreadState* thread) {
  std::lock_guard guard(mu_);
  auto it = waiters_.find(thread);
  if (it == waiters_.end() || it->second.wait != Wait::lock) return false;
  // The thread is blocked and published: it reads the flag only while it polls its wait.
  const_cast<ThreadState*>(thread)->chosen_victim.store(true, std::memory_order_release);
  return true;
}

std::vector<blocked_thread> WaitForGraph::snapshot() {
  std::lock_guard guard(mu_);
  made_.clear();
  labels_.clear();
  const auto now = std::chrono::steady_clock::now();
  std::vector<blocked_thread> out;
  out.reserve(waiters_.size());
  for (const auto& [thread, waiter] : waiters_) out.push_back(view(waiter, now));
  return out;
}

blocked_thread WaitForGraph::view(const Waiter& waiter,
                                  std::chrono::steady_clock::time_point now) const {
  blocked_thread out;
  out.thread_id = waiter.thread->tid();
  out.thread = *waiter.label;
  if (waiter.wait == Wait::join) {
    const Waiter* joined = node_of(std::get<pthread_t>(waiter.beyond), waiter);
    out.waits_for = (joined != nullptr ? *joined->label : std::string("a thread")) + " to end";
  } else if (waiter.wait == Wait::waitable) {
    out.waits_for = waitable_label(*std::get<const WaitableMeta*>(waiter.beyond));
  } else if (waiter.wait == Wait::future) {
    const std::vector<const Waiter*> runner = successors(waiter);
    out.waits_for =
        "the future of a task" + (runner.empty() ? std::string() : " on " + *runner.front()->label);
  } else {
    out.waits_for = OrderChecker::describe(*waiter.pending.lock).label;
  }
  out.shared = waiter.pending.mode == Mode::shared;
  out.in_condition_wait = waiter.wait == Wait::condition;
  for (const HeldLock& h : waiter.holds) out.holds.push_back(OrderChecker::describe(*h.lock).label);
  for (const Waiter* next : successors(waiter)) out.blocked_by.push_back(next->thread->tid());
  out.waited = now - waiter.since;
  return out;
}

void WaitForGraph::unblock(const ThreadState& thread) noexcept {
  std::lock_guard guard(mu_);
  unblock_locked(thread);
}

void WaitForGraph::unblock_locked(const ThreadState& thread) noexcept {
  auto it = waiters_.find(&thread);
  if (it == waiters_.end()) return;
  const Waiter* waiter = &it->second;
  auto drop = [waiter](auto& index, const LockMeta* lock) {
    auto [first, last] = index.equal_range(lock);
    for (auto i = first; i != last; ++i) {
      if (i->second == waiter) {
        index.erase(i);
        return;
      }
    }
  };
  for (const HeldLock& h : waiter->holds) drop(holders_, h.lock);
  if (waits_for_lock(waiter->wait)) drop(queued_, waiter->pending.lock);
  waiters_.erase(it);
}

void WaitForGraph::unlock_after_fork(const ThreadState* child_survivor) noexcept {
  if (child_survivor != nullptr) {
    std::vector<const ThreadState*> gone;
    for (const auto& [thread, _] : waiters_)
      if (thread != child_survivor) gone.push_back(thread);
    for (const ThreadState* thread : gone) unblock_locked(*thread);
  }
  mu_.unlock();
}

std::size_t WaitForGraph::blocked_threads() {
  std::lock_guard guard(mu_);
  return waiters_.size();
}

const WaitForGraph::Waiter* WaitForGraph::node_of(pthread_t handle, const Waiter& asker) const {
  const Waiter* found = nullptr;
  thread_registry().visit(handle, [&](ThreadState* target) {
    if (target == nullptr) return;  // ended, or never took a lock: it waits for none
    if (auto it = waiters_.find(target); it != waiters_.end()) {
      found = &it->second;
      return;
    }
    // Blocked, unpublished, on a lock that a published thread holds?
    const std::uintptr_t word = futex_waited_on(target->tid());
    if (word == 0) return;  // running, or waiting for something else
    for (const auto& [lock, holder] : holders_) {
      if (!is_word_of(*lock, word)) continue;
      Waiter& made = made_.emplace_back();
      made.thread = target;
      // The thread's own label may not be read from here (it builds it lazily); its number may.
      made.label = &labels_.emplace_back("T" + std::to_string(target->ordinal()));
      made.pending.lock = const_cast<LockMeta*>(lock);
      made.since = asker.since;
      found = &made;
      return;
    }
  });
  return found;
}

std::vector<const WaitForGraph::Waiter*> WaitForGraph::successors(const Waiter& waiter) const {
  std::vector<const Waiter*> out;
  if (waiter.wait == Wait::join) {
    if (const Waiter* target = node_of(std::get<pthread_t>(waiter.beyond), waiter))
      out.push_back(target);
    return out;
  }
  if (waiter.wait == Wait::future) {  // the thread that runs the task, once it has started
    pthread_t runner;
    if (std::get<const TaskRecord*>(waiter.beyond)->runner(runner))
      if (const Waiter* node = node_of(runner, waiter)) out.push_back(node);
    return out;
  }
  if (waiter.wait == Wait::waitable) {
    // A node per releaser; none at all when one of them runs (it may release it) or none is
    // known: then the waiter may yet move.
    bool all_blocked = true;
    std::get<const WaitableMeta*>(waiter.beyond)->visit_posters([&](pthread_t poster) {
      if (pthread_equal(poster, waiter.thread->handle)) return;  // it cannot, while it waits
      const Waiter* node = node_of(poster, waiter);
      all_blocked = all_blocked && node != nullptr;
      if (node != nullptr) out.push_back(node);
    });
    if (!all_blocked) out.clear();
    return out;
  }
  const LockMeta* lock = waiter.pending.lock;
  const Mode mode = waiter.pending.mode;
  // The lock itself must agree that the published holder holds it: a record can be stale (the
  // lock released by another thread), and a deadlock ends the program.
  const NativeHolder native = native_holder(*lock);
  auto agrees = [&native](const Waiter& holder, Mode held) {
    if (!native.known) return true;
    return held == Mode::shared ? native.shared : native.owner == holder.thread->tid();
  };
  auto [first, last] = holders_.equal_range(lock);
  for (auto i = first; i != last; ++i) {
    const Waiter* holder = i->second;
    if (holder == &waiter) continue;
    if (const HeldLock* h = find_hold(holder->holds, lock);
        h && conflicts(h->mode, mode) && agrees(*holder, h->mode))
      out.push_back(holder);
  }
  if (mode == Mode::shared && lock->prefers_writers) {
    auto [qfirst, qlast] = queued_.equal_range(lock);
    for (auto i = qfirst; i != qlast; ++i)
      if (i->second != &waiter) out.push_back(i->second);
  }
  return out;
}

std::vector<const WaitForGraph::Waiter*> WaitForGraph::find_cycle(const Waiter& start) {
  // Every waiter `start` reaches, with its successors.
  std::unordered_map<const Waiter*, std::vector<const Waiter*>> next;
  std::vector<const Waiter*> work{&start};
  while (!work.empty()) {
    const Waiter* w = work.back();
    work.pop_back();
    if (next.count(w) != 0) continue;
    std::vector<const Waiter*>& out = next[w] = successors(*w);
    if (w == &start && out.empty()) return {};  // the usual case: the holder is running
    work.insert(work.end(), out.begin(), out.end());
  }
  // The ones blocked for good: drop, until none is left to drop, each waiter that can still move
  // (a lock or join waits for every successor; a semaphore for any one of its releasers, so
  // it moves if one of them does, or when no releaser is known).
  std::unordered_set<const Waiter*> stuck;
  for (const auto& [w, _] : next) stuck.insert(w);
  auto can_move = [&](const Waiter* w) {
    const std::vector<const Waiter*>& out = next.at(w);
    auto in_stuck = [&](const Waiter* s) { return stuck.count(s) != 0; };
    if (w->wait == Wait::waitable) return !std::all_of(out.begin(), out.end(), in_stuck);
    return std::none_of(out.begin(), out.end(), in_stuck);
  };
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (auto it = stuck.begin(); it != stuck.end();)
      if (can_move(*it)) {
        it = stuck.erase(it);
        dropped = true;
      } else {
        ++it;
      }
  }
  if (stuck.count(&start) == 0) return {};
  // A cycle through `start` among them, by a depth-first search.
  std::vector<std::pair<const Waiter*, std::size_t>> path{{&start, 0}};
  std::unordered_set<const Waiter*> seen{&start};
  while (!path.empty()) {
    auto& [w, i] = path.back();
    const std::vector<const Waiter*>& out = next.at(w);
    if (i == out.size()) {
      path.pop_back();
      continue;
    }
    const Waiter* n = out[i++];
    if (stuck.count(n) == 0) continue;
    if (n == &start) {
      std::vector<const Waiter*> cycle;
      for (const auto& [member, _] : path) cycle.push_back(member);
      return cycle;
    }
    if (seen.insert(n).second) path.push_back({n, 0});
  }
  return {};  // blocked for good behind a deadlock that does not pass through it
}

RawReport WaitForGraph::deadlock_report(const std::vector<Member>& cycle) {
  OrderChecker& checker = order_checker();
  const auto now = std::chrono::steady_clock::now();
  RawReport report;
  report.kind = report::kDeadlock;
  auto joins = [](const Member& m) {
    return m.waiter.wait == Wait::join || m.waiter.wait == Wait::future;
  };
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    if (joins(cycle[i])) {  // what it waits for is the next thread's end
      RawLock thread;
      thread.label = cycle[(i + 1) % cycle.size()].label;
      thread.kind = "thread";
      report.locks.push_back(std::move(thread));
    } else if (cycle[i].waiter.wait == Wait::waitable) {
      RawLock semaphore;
      const WaitableMeta& waitable = *std::get<const WaitableMeta*>(cycle[i].waiter.beyond);
      semaphore.label = waitable_label(waitable);
      semaphore.kind = "semaphore";
      semaphore.file = waitable.site.file_name();
      semaphore.line = waitable.site.line();
      semaphore.function = waitable.site.function_name();
      report.locks.push_back(std::move(semaphore));
    } else {
      report.locks.push_back(OrderChecker::describe(*cycle[i].waiter.pending.lock));
    }
    report.cycle.push_back(i);
  }
  std::string summary = std::to_string(cycle.size()) + " threads blocked in a cycle: ";
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const Member& next = cycle[(i + 1) % cycle.size()];
    summary += i == 0 ? cycle[i].label : ", which";
    if (cycle[i].waiter.wait == Wait::join) {
      summary += " joins " + next.label + " (waits for it to end)";
      continue;
    }
    if (cycle[i].waiter.wait == Wait::future) {
      summary += " waits for the future of a task that " + next.label + " runs";
      continue;
    }
    if (cycle[i].waiter.wait == Wait::waitable) {
      summary += " waits on " + report.locks[i].label + ", released before by " + next.label +
                 " (every thread that released it is blocked)";
      continue;
    }
    summary += " waits for " + report.locks[i].label;
    if (cycle[i].waiter.wait == Wait::condition) summary += " (to return from a condition wait)";
    summary += " held by " + next.label;
  }
  report.summary = summary;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const Waiter& w = cycle[i].waiter;
    // Each lock's site is rebuilt with the stack the thread blocks in, where its frames live on.
    const RawStack blocked_in =
        w.stack != ThreadState::kNoStack ? checker.stack(w.stack) : RawStack{};
    auto site = [&](const HeldLock& h) { return checker.held_site(blocked_in, h); };
    if (!waits_for_lock(w.wait)) {
      const std::string what = w.wait == Wait::join ? "joins " + report.locks[i].label
                               : w.wait == Wait::future
                                   ? "waits for the future of a task on " + report.locks[i].label
                                   : "waits on " + report.locks[i].label;
      report.sites.push_back({what + " (" + blocked_for(now - w.since) + "), at", "",
                              captured_site(blocked_in), cycle[i].label});
    } else if (w.stack == ThreadState::kNoStack) {  // a wait the kernel showed (node_of)
      report.sites.push_back({"waits for " + report.locks[i].label +
                                  " (it holds no other lock, so where it waits is not recorded)",
                              "", RawSite{}, cycle[i].label});
    } else {
      const std::string waits =
          w.wait == Wait::condition ? "waits on a condition variable, then for " : "waits for ";
      report.sites.push_back(
          {waits + report.locks[i].label + " (" + blocked_for(now - w.since) + "), at", "",
           site(w.pending), cycle[i].label});
    }
    for (const HeldLock& h : w.holds) {
      std::string label = OrderChecker::describe(*h.lock).label;
      std::string mode = h.mode == Mode::shared ? " (shared)" : "";
      report.sites.push_back(
          {"holds " + label + mode + ", acquired at", "", site(h), cycle[i].label});
    }
  }
  auto on_semaphore = [](const Member& m) { return m.waiter.wait == Wait::waitable; };
  report.hint =
      std::any_of(cycle.begin(), cycle.end(), joins)
          ? "These threads are blocked for good: a thread waits for another (to end, or to make "
            "a future ready) while it holds a lock that the other (or a thread it waits for) "
            "needs first. Release the locks before the wait, or let the other thread finish "
            "without them."
      : std::any_of(cycle.begin(), cycle.end(), on_semaphore)
          ? "These threads are blocked for good: a thread waits on a semaphore while it holds a "
            "lock that every thread which releases the semaphore needs first. Release the locks "
            "before the wait, or release the semaphore without taking them."
          : "These threads are blocked for good: each waits for a lock that the next one holds. "
            "Take the locks in one global order (the lock-order-inversion reports show where the "
            "orders differ), or take them together (in C++, with std::scoped_lock).";
  return report;
}

}  // namespace lockorder::internal
