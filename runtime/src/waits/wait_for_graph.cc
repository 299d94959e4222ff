#include "waits/wait_for_graph.h"

#include <algorithm>
#include <initializer_list>
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

std::string pool_label(const PoolRecord& pool) {
  return pool.name != nullptr ? "pool " + std::string(pool.name) : std::string("a pool");
}

// A semaphore, latch or barrier as reports name it: its given name, or where it was made.
std::string waitable_label(const char* name, const char* kind, const std::source_location& site) {
  if (name != nullptr) return name;
  std::string file = site.file_name();
  file = file.substr(file.rfind('/') + 1);
  return std::string(kind) + " at " + file + ":" + std::to_string(site.line());
}
std::string waitable_label(const WaitableMeta& waitable) {
  return waitable_label(waitable.name, "semaphore", waitable.site);
}
std::string waitable_label(const ArrivalMeta& arrival) {
  return waitable_label(arrival.name, arrival.kind_name(), arrival.site);
}

template <class Meta>
RawLock waitable_lock(const Meta& meta, const char* kind) {
  RawLock out;
  out.label = waitable_label(meta);
  out.kind = kind;
  out.file = meta.site.file_name();
  out.line = meta.site.line();
  out.function = meta.site.function_name();
  return out;
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
  const HeldLock* end = thread.held.end();
  if (waits_for_lock(wait)) waiter.pending = *--end;  // the newest entry is the pending one
  for (const HeldLock* h = thread.held.begin(); h != end; ++h)
    if (h->lock->kind != LockKind::thread) waiter.holds.push_back(*h);  // a life is no lock
  return waiter;
}

std::optional<WaitForGraph::Deadlock> WaitForGraph::block(ThreadState& thread, Wait wait,
                                                          std::uint32_t stack,
                                                          const ArrivalMeta* notified_by) {
  if (thread.held.empty()) return std::nullopt;
  Waiter waiter = waiter_of(thread, wait, stack);
  if (notified_by != nullptr) waiter.beyond = notified_by;
  // A thread that holds nothing but its life (thread_life.h) publishes what it would without
  // it: nothing, unless every wait is published.
  const bool only_its_life = waiter.holds.empty() && thread.held.size() > 1;
  if (only_its_life && g_publish_every_wait.load(std::memory_order_relaxed) == 0)
    return std::nullopt;
  return publish(std::move(waiter));
}

std::optional<WaitForGraph::Deadlock> WaitForGraph::block_beyond_locks(
    ThreadState& thread, BeyondLocks what, std::uint32_t stack, bool cancellable, bool timed) {
  constexpr Wait kWaits[] = {Wait::join, Wait::waitable, Wait::future,
                             Wait::arrival};  // by alternative
  Waiter waiter = waiter_of(thread, kWaits[what.index()], stack);
  waiter.beyond = what;
  waiter.cancellable = cancellable;
  waiter.timed = timed;
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

void WaitForGraph::copy_members(const Cycle& found, std::vector<Member>& cycle,
                                Deadlock& deadlock) const {
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < found.members.size(); ++i) {
    const Waiter* member = found.members[i];
    Member& copy = cycle.emplace_back();
    copy.waiter = *member;
    copy.label = *member->label;
    copy.blocked = classify(*member, found.via_any[i]);
    if (member->wait == Wait::future) {
      bool queued = false;
      copy.task = describe_task(*member, queued);
      if (queued) copy.blocked = Blocked::queued_task;
    }
    deadlock.threads.push_back(member->thread);
    deadlock.view.push_back(view(*member, now));
  }
}

WaitForGraph::Blocked WaitForGraph::classify(const Waiter& waiter, bool via_any) {
  switch (waiter.wait) {
    case Wait::lock:
      return Blocked::lock;
    case Wait::condition:  // a notifier, when what leads on is one of its `any` successors
      return via_any ? Blocked::notification : Blocked::condition;
    case Wait::join:
      return Blocked::join;
    case Wait::waitable:
      return Blocked::semaphore;
    case Wait::future:
      return Blocked::task;
    case Wait::arrival:
      break;
  }
  switch (std::get<const ArrivalMeta*>(waiter.beyond)->kind) {
    case ArrivalMeta::Kind::condition_variable:
      return Blocked::notification;
    case ArrivalMeta::Kind::promise:
      return Blocked::promise;
    default:
      return Blocked::arrival;
  }
}

bool WaitForGraph::choose_victim(const ThreadState* thread) {
  std::lock_guard guard(mu_);
  auto it = waiters_.find(thread);
  if (it == waiters_.end() || (it->second.wait != Wait::lock && !it->second.cancellable))
    return false;
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

wait_kind WaitForGraph::kind_of(const Waiter& waiter) {
  switch (classify(waiter, false)) {
    case Blocked::lock:
      return wait_kind::lock;
    case Blocked::condition:
      return wait_kind::condition;
    case Blocked::join:
      return wait_kind::join;
    case Blocked::semaphore:
      return wait_kind::semaphore;
    case Blocked::arrival:
      return wait_kind::arrival;
    case Blocked::notification:
      return wait_kind::notification;
    case Blocked::task:
    case Blocked::queued_task:
    case Blocked::promise:
      break;
  }
  return wait_kind::future;
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
  } else if (waiter.wait == Wait::arrival) {
    const ArrivalMeta& arrival = *std::get<const ArrivalMeta*>(waiter.beyond);
    out.waits_for = (arrival.kind == ArrivalMeta::Kind::promise ? "the future of " : "") +
                    waitable_label(arrival);
  } else if (waiter.wait == Wait::future) {
    bool queued = false;
    out.waits_for = "the future of " + describe_task(waiter, queued);
  } else {
    out.waits_for = OrderChecker::describe(*waiter.pending.lock).label;
  }
  out.shared = waiter.pending.mode == Mode::shared;
  out.kind = kind_of(waiter);
  out.can_give_up = waiter.wait == Wait::lock || waiter.cancellable;
  out.timed = waiter.timed;
  for (const HeldLock& h : waiter.holds) out.holds.push_back(OrderChecker::describe(*h.lock).label);
  const Successors next = successors(waiter);
  for (const Waiter* n : next.every) out.blocked_by.push_back(n->thread->tid());
  for (const Waiter* n : next.any) out.blocked_by.push_back(n->thread->tid());
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
  thread_registry().visit(handle,
                          [&](const ThreadState* target) { found = node_of_state(target, asker); });
  return found;
}

const WaitForGraph::Waiter* WaitForGraph::node_of_state(const ThreadState* target,
                                                        const Waiter& asker) const {
  if (target == nullptr) return nullptr;  // ended, or never took a lock: it waits for none
  if (auto it = waiters_.find(target); it != waiters_.end()) return &it->second;
  return node_blocked_on(*target, futex_waited_on(target->tid()), asker);
}

const WaitForGraph::Waiter* WaitForGraph::node_blocked_on(const ThreadState& target,
                                                          std::uintptr_t word,
                                                          const Waiter& asker) const {
  // Blocked, unpublished, on a lock that a published thread holds?
  if (word == 0) return nullptr;  // running, or waiting for something else
  for (const auto& [lock, holder] : holders_) {
    if (!is_word_of(*lock, word)) continue;
    Waiter& made = made_.emplace_back();
    made.thread = &target;
    // The thread's own label may not be read from here (it builds it lazily); its number may.
    made.label = &labels_.emplace_back("T" + std::to_string(target.ordinal()));
    made.pending.lock = const_cast<LockMeta*>(lock);
    made.since = asker.since;
    return &made;
  }
  return nullptr;
}

std::string WaitForGraph::name_of(pthread_t handle, const Waiter& asker) const {
  if (const Waiter* node = node_of(handle, asker)) return *node->label;
  std::string name = "a thread";
  thread_registry().visit(handle, [&](const ThreadState* target) {
    if (target != nullptr) name = "T" + std::to_string(target->ordinal());
  });
  return name;
}

std::string WaitForGraph::describe_task(const Waiter& waiter, bool& queued) const {
  const TaskRecord& task = *std::get<const TaskRecord*>(waiter.beyond);
  queued = false;
  pthread_t runner;
  const bool started = task.runner(runner);
  if (task.pool == nullptr)
    return started ? "a task that " + name_of(runner, waiter) + " runs" : "a task not started yet";
  const PoolRecord& pool = *task.pool;
  std::string out = "task #" + std::to_string(task.number) + " of " + pool_label(pool);
  if (started) return out + ", which " + name_of(runner, waiter) + " runs";
  std::lock_guard guard(pool.mu);
  std::size_t ahead = 0;
  while (ahead < pool.queued.size() && pool.queued[ahead] != task.number) ++ahead;
  if (ahead == pool.queued.size()) return out + ", about to start";
  queued = true;
  out += ", queued behind " + std::to_string(ahead) + (ahead == 1 ? " task" : " tasks") + " on " +
         std::to_string(pool.workers.size()) + (pool.workers.size() == 1 ? " worker" : " workers") +
         " (";
  for (std::size_t i = 0; i < pool.workers.size(); ++i) {
    out += i == 0 ? "" : ", ";
    out += name_of(pool.workers[i], waiter);
    out += pool.running[i] != 0 ? " runs task #" + std::to_string(pool.running[i]) : " is idle";
  }
  return out + ")";
}

template <class ForEachCandidate>
std::vector<const WaitForGraph::Waiter*> WaitForGraph::any_of_successors(
    ForEachCandidate&& for_each) const {
  std::vector<const Waiter*> out;
  bool all_blocked = true;
  // `consider` takes a candidate's node, or null when it may still move; false: stop.
  for_each([&](const Waiter* node) {
    if (node == nullptr) {
      all_blocked = false;
      return false;
    }
    out.push_back(node);
    return true;
  });
  if (!all_blocked) out.clear();
  return out;
}

std::vector<const WaitForGraph::Waiter*> WaitForGraph::not_waiting_on(const ArrivalMeta& arrival,
                                                                      const Waiter& waiter) const {
  return any_of_successors([&](auto&& consider) {
    for (const int tid : process_threads()) {
      if (tid == waiter.thread->tid()) continue;
      bool go_on = true;
      thread_registry().visit_tid(tid, [&](const ThreadState* state) {
        if (state != nullptr && arrival.waits_on_it(state->handle)) return;
        const auto published = state != nullptr ? waiters_.find(state) : waiters_.end();
        if (published != waiters_.end()) {
          go_on = consider(&published->second);
          return;
        }
        const std::uintptr_t word = futex_waited_on(tid);
        const Waiter* node = state != nullptr ? node_blocked_on(*state, word, waiter) : nullptr;
        // Dormant: in a futex wait with no timeout on something the graph does not know (an
        // idle worker's condition variable, a join). Only another thread of the process can
        // wake it, so it moves only if one of the others does: it decides nothing.
        if (node == nullptr && word != 0) return;
        go_on = consider(node);
      });
      if (!go_on) return;
    }
  });
}

WaitForGraph::Successors WaitForGraph::successors(const Waiter& waiter) const {
  Successors out;
  if (waiter.wait == Wait::join) {
    if (const Waiter* target = node_of(std::get<pthread_t>(waiter.beyond), waiter))
      out.every.push_back(target);
    return out;
  }
  if (waiter.timed) return out;  // it ends by itself
  // A wait whose end has come (the task finished, the semaphore has a count, the phase ended, a
  // notification came) is not blocked, though its thread has yet to notice and withdraw.
  if (waiter.wait == Wait::future) {  // the thread that runs the task, once it has started
    const TaskRecord& task = *std::get<const TaskRecord*>(waiter.beyond);
    if (task.has_finished()) return out;
    pthread_t runner;
    if (task.runner(runner)) {
      if (const Waiter* node = node_of(runner, waiter)) out.every.push_back(node);
      return out;
    }
    if (task.pool == nullptr) return out;               // its own thread is about to start it
    out.any = any_of_successors([&](auto&& consider) {  // queued: the first free worker
      std::lock_guard guard(task.pool->mu);
      for (const pthread_t worker : task.pool->workers)
        if (!consider(node_of(worker, waiter))) return;
    });
    return out;
  }
  if (waiter.wait == Wait::waitable) {  // the threads that released it before
    const WaitableMeta& waitable = *std::get<const WaitableMeta*>(waiter.beyond);
    if (waitable.may_be_free(waitable.owner)) return out;
    out.any = any_of_successors([&](auto&& consider) {
      waitable.visit_posters([&](pthread_t poster) {
        // It cannot release it itself while it waits (nor could anybody else, if only it did).
        return pthread_equal(poster, waiter.thread->handle) || consider(node_of(poster, waiter));
      });
    });
    return out;
  }
  if (waiter.wait == Wait::arrival) {
    const ArrivalMeta& arrival = *std::get<const ArrivalMeta*>(waiter.beyond);
    if (arrival.wait_is_over(waiter.thread->handle)) return out;
    out.any = not_waiting_on(arrival, waiter);
    return out;
  }
  // A condition wait returns once notified, by any thread that does not wait on it, and then
  // only with its mutex: blocked for good when every notifier is, or when the mutex's holder is.
  if (const ArrivalMeta* const* notified = std::get_if<const ArrivalMeta*>(&waiter.beyond);
      waiter.wait == Wait::condition && notified != nullptr && *notified != nullptr &&
      !(*notified)->wait_is_over(waiter.thread->handle))
    out.any = not_waiting_on(**notified, waiter);
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
      out.every.push_back(holder);
  }
  if (mode == Mode::shared && lock->prefers_writers) {
    auto [qfirst, qlast] = queued_.equal_range(lock);
    for (auto i = qfirst; i != qlast; ++i)
      if (i->second != &waiter) out.every.push_back(i->second);
  }
  return out;
}

WaitForGraph::Cycle WaitForGraph::find_cycle(const Waiter& start) {
  // Every waiter `start` reaches, with its successors.
  std::unordered_map<const Waiter*, Successors> next;
  std::vector<const Waiter*> work{&start};
  while (!work.empty()) {
    const Waiter* w = work.back();
    work.pop_back();
    if (next.count(w) != 0) continue;
    const Successors& out = next[w] = successors(*w);
    if (w == &start && out.every.empty() && out.any.empty())
      return {};  // the usual case: the holder is running
    work.insert(work.end(), out.every.begin(), out.every.end());
    work.insert(work.end(), out.any.begin(), out.any.end());
  }
  // The ones blocked for good: drop, until none is left to drop, each waiter that can still move
  // (one that waits for `every` successor moves when none of them is blocked for good; one that
  // waits for `any` of them, such as a semaphore's releasers, when one of them moves or none is
  // known; a condition wait must have both).
  std::unordered_set<const Waiter*> stuck;
  for (const auto& [w, _] : next) stuck.insert(w);
  auto can_move = [&](const Waiter* w) {
    const Successors& out = next.at(w);
    auto in_stuck = [&](const Waiter* s) { return stuck.count(s) != 0; };
    const bool every_blocks = std::any_of(out.every.begin(), out.every.end(), in_stuck);
    const bool any_blocks =
        !out.any.empty() && std::all_of(out.any.begin(), out.any.end(), in_stuck);
    return !every_blocks && !any_blocks;
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
  // A cycle through `start` among them, by a depth-first search; `start` waiting for itself (a
  // pool task on the only free worker, its own) only when no longer cycle shows the others.
  std::vector<std::pair<const Waiter*, std::size_t>> path{{&start, 0}};
  std::unordered_set<const Waiter*> seen{&start};
  bool waits_for_itself = false;
  while (!path.empty()) {
    auto& [w, i] = path.back();
    const Successors& out = next.at(w);
    if (i == out.every.size() + out.any.size()) {
      path.pop_back();
      continue;
    }
    const Waiter* n = i < out.every.size() ? out.every[i] : out.any[i - out.every.size()];
    ++i;
    if (stuck.count(n) == 0) continue;
    if (n == &start && w == &start) {
      waits_for_itself = true;
      continue;
    }
    if (n == &start) {
      Cycle cycle;
      for (const auto& [member, at] : path) {
        cycle.members.push_back(member);
        cycle.via_any.push_back(at > next.at(member).every.size());  // `at` is one past
      }
      return cycle;
    }
    if (seen.insert(n).second) path.push_back({n, 0});
  }
  if (waits_for_itself) return {{&start}, {true}};
  return {};  // blocked for good behind a deadlock that does not pass through it
}

RawReport WaitForGraph::deadlock_report(const std::vector<Member>& cycle) {
  OrderChecker& checker = order_checker();
  const auto now = std::chrono::steady_clock::now();
  RawReport report;
  report.kind = report::kDeadlock;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const Member& m = cycle[i];
    switch (m.blocked) {
      case Blocked::queued_task: {  // what it waits for is a free worker of the task's pool
        const TaskRecord& task = *std::get<const TaskRecord*>(m.waiter.beyond);
        RawLock queued;
        queued.label = "task #" + std::to_string(task.number) + " of " + pool_label(*task.pool);
        queued.kind = "task";
        report.locks.push_back(std::move(queued));
        break;
      }
      case Blocked::join:
      case Blocked::task: {  // what it waits for is the next thread's end
        RawLock thread;
        thread.label = cycle[(i + 1) % cycle.size()].label;
        thread.kind = "thread";
        report.locks.push_back(std::move(thread));
        break;
      }
      case Blocked::semaphore:
        report.locks.push_back(
            waitable_lock(*std::get<const WaitableMeta*>(m.waiter.beyond), "semaphore"));
        break;
      case Blocked::arrival:
      case Blocked::notification:
      case Blocked::promise: {
        const ArrivalMeta& arrival = *std::get<const ArrivalMeta*>(m.waiter.beyond);
        report.locks.push_back(waitable_lock(arrival, arrival.kind_name()));
        break;
      }
      case Blocked::lock:
      case Blocked::condition:
        report.locks.push_back(OrderChecker::describe(*m.waiter.pending.lock));
        break;
    }
    report.cycle.push_back(i);
  }
  std::string summary = std::to_string(cycle.size()) +
                        (cycle.size() == 1 ? " thread blocked" : " threads blocked") +
                        " in a cycle: ";
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const std::string& what = report.locks[i].label;
    const std::string& next = cycle[(i + 1) % cycle.size()].label;
    const std::string every_one = " among them (every one of them is blocked)";
    summary += i == 0 ? cycle[i].label : ", which";
    switch (cycle[i].blocked) {
      case Blocked::join:
        summary += " joins " + next + " (waits for it to end)";
        break;
      case Blocked::task:
      case Blocked::queued_task:
        summary += " waits for the future of " + cycle[i].task;
        break;
      case Blocked::semaphore:
        summary += " waits on " + what + ", released before by " + next +
                   " (every thread that released it is blocked)";
        break;
      case Blocked::promise:
        summary += " waits for the future of " + what + ", which no other thread can set now, " +
                   next + every_one;
        break;
      case Blocked::arrival:
        summary += " waits at " + what + " for threads that have not arrived, " + next + every_one;
        break;
      case Blocked::notification:
        summary += " waits on " + what + " for a notification that no other thread can send, " +
                   next + every_one;
        break;
      case Blocked::lock:
        summary += " waits for " + what + " held by " + next;
        break;
      case Blocked::condition:
        summary += " waits for " + what + " (to return from a condition wait) held by " + next;
        break;
    }
  }
  report.summary = summary;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const Waiter& w = cycle[i].waiter;
    const std::string& what = report.locks[i].label;
    // Each lock's site is rebuilt with the stack the thread blocks in, where its frames live on.
    const RawStack blocked_in =
        w.stack != ThreadState::kNoStack ? checker.stack(w.stack) : RawStack{};
    auto site = [&](const HeldLock& h) { return checker.held_site(blocked_in, h); };
    std::string verb;
    switch (cycle[i].blocked) {
      case Blocked::join:
        verb = "joins ";
        break;
      case Blocked::task:
        verb = "waits for the future of a task on ";
        break;
      case Blocked::queued_task:
      case Blocked::promise:
        verb = "waits for the future of ";
        break;
      case Blocked::arrival:
        verb = "waits at ";
        break;
      case Blocked::semaphore:
      case Blocked::notification:
        verb = "waits on ";
        break;
      case Blocked::condition:
        verb = "waits on a condition variable, then for ";
        break;
      case Blocked::lock:
        verb = "waits for ";
        break;
    }
    if (!waits_for_lock(w.wait)) {
      report.sites.push_back({verb + what + " (" + blocked_for(now - w.since) + "), at", "",
                              captured_site(blocked_in), cycle[i].label});
    } else if (w.stack == ThreadState::kNoStack) {  // a wait the kernel showed (node_of)
      report.sites.push_back(
          {"waits for " + what + " (it holds no other lock, so where it waits is not recorded)", "",
           RawSite{}, cycle[i].label});
    } else {
      report.sites.push_back({verb + what + " (" + blocked_for(now - w.since) + "), at", "",
                              site(w.pending), cycle[i].label});
    }
    for (const HeldLock& h : w.holds) {
      std::string label = OrderChecker::describe(*h.lock).label;
      std::string mode = h.mode == Mode::shared ? " (shared)" : "";
      report.sites.push_back(
          {"holds " + label + mode + ", acquired at", "", site(h), cycle[i].label});
    }
  }
  report.hint = deadlock_hint(cycle);
  return report;
}

const char* WaitForGraph::deadlock_hint(const std::vector<Member>& cycle) {
  auto any = [&cycle](std::initializer_list<Blocked> kinds) {
    return std::any_of(cycle.begin(), cycle.end(), [&](const Member& m) {
      return std::find(kinds.begin(), kinds.end(), m.blocked) != kinds.end();
    });
  };
  if (any({Blocked::queued_task}))
    return "These threads are blocked for good: every worker of the pool runs a task that "
           "waits (directly, or through other blocked threads) for a task still queued behind "
           "it. Do not wait in a pool task for a task of the same pool, or give the pool more "
           "workers than tasks that can wait at once.";
  if (any({Blocked::join, Blocked::task}))
    return "These threads are blocked for good: a thread waits for another (to end, or to make "
           "a future ready) while it holds a lock that the other (or a thread it waits for) "
           "needs first. Release the locks before the wait, or let the other thread finish "
           "without them.";
  if (any({Blocked::semaphore}))
    return "These threads are blocked for good: a thread waits on a semaphore while it holds a "
           "lock that every thread which releases the semaphore needs first. Release the locks "
           "before the wait, or release the semaphore without taking them.";
  if (any({Blocked::promise}))
    return "These threads are blocked for good: a thread waits for the future of a promise "
           "while it holds a lock that every thread which could set the promise needs first. "
           "Release the locks before the wait, or set the promise without taking them.";
  if (any({Blocked::notification}))
    return "These threads are blocked for good: a thread waits on a condition variable while "
           "it holds a lock that every thread which could notify it needs first. Release the "
           "locks before the wait, or notify without taking them.";
  if (any({Blocked::arrival}))
    return "These threads are blocked for good: a thread waits at a latch or barrier while it "
           "holds a lock that the threads which have not arrived need first. Release the locks "
           "before the wait, or arrive without taking them.";
  return "These threads are blocked for good: each waits for a lock that the next one holds. "
         "Take the locks in one global order (the lock-order-inversion reports show where the "
         "orders differ), or take them together (in C++, with std::scoped_lock).";
}

}  // namespace lockorder::internal
