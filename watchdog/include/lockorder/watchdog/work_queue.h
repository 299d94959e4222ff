// WorkQueue: work items that survive the workers processing them.
//
// Contract:
//   - Each item has an idempotency key. push() of a key already queued, in flight or done is
//     ignored, so that a producer may resend.
//   - take() hands an item to one worker (a lease, owned by the worker's context) and marks the
//     worker idle while it waits; it returns nullopt once stop is requested, or once the queue is
//     closed and empty.
//   - complete() returns true exactly once per key: the first completion wins, whether it comes
//     from the current lease or from a worker that was given up on and finished late. Commit a
//     result only when it returns true, and the result holds each item exactly once.
//   - retry() puts a leased item back with its attempt count increased; after max_attempts it goes
//     to the dead-letter list instead, so that one poisoned item cannot cause a restart loop.
//     release_owner() retries every item a given-up worker holds. A lease that was retried or
//     completed is spent: retrying it again does nothing.
//   - Nothing is lost: every pushed key ends completed or dead-lettered (drained() says when).
//   - Memory stays bounded in a daemon that runs for months: the queue remembers the keys of the
//     last `remembered` completed items (default one million); an older key pushed again is new
//     work, and a worker given up on that long ago could commit it again. take_dead_letters()
//     hands the set-aside items over and forgets their keys, so that they may be pushed again.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "lockorder/wait_for.h"
#include "lockorder/watchdog/worker_context.h"

namespace lockorder::watchdog {

template <class Item>
class WorkQueue {
 public:
  struct Lease {
    std::uint64_t id = 0;
    std::string key;
    Item item;
    int attempt = 1;  // 1 for the first try
  };
  struct DeadLetter {
    std::string key;
    Item item;
    int attempts = 0;
    std::string last_error;
  };

  explicit WorkQueue(int max_attempts = 3, std::size_t remembered = 1'000'000)
      : max_attempts_(max_attempts < 1 ? 1 : max_attempts),
        remembered_(remembered < 1 ? 1 : remembered) {}

  bool push(std::string key, Item item) {
    std::lock_guard guard(mu_);
    if (closed_ || !known_.insert(key).second) return false;
    ready_.push_back({0, std::move(key), std::move(item), 1});
    ready_cv_.notify_one();
    return true;
  }

  std::optional<Lease> take(WorkerContext& context) {
    std::unique_lock lock(mu_);
    context.heartbeat.set_idle(true);
    for (;;) {
      while (!ready_.empty() && done_.count(ready_.front().key) != 0) ready_.pop_front();
      if (context.stop_requested()) return std::nullopt;
      if (!ready_.empty()) break;
      if (closed_) return std::nullopt;
      ready_cv_.wait(lock, context.stop, [this] { return !ready_.empty() || closed_; });
    }
    Lease lease = std::move(ready_.front());
    ready_.pop_front();
    lease.id = next_lease_++;
    in_flight_.emplace(lease.id, Held{context.owner, lease});
    context.heartbeat.begin_item();
    return lease;
  }

  bool complete(const Lease& lease) {
    std::lock_guard guard(mu_);
    in_flight_.erase(lease.id);
    const bool first = done_.insert(lease.key).second;
    if (first) {
      // Set aside meanwhile, yet finished after all (by a worker given up on): done, not dead.
      std::erase_if(dead_, [&](const DeadLetter& d) { return d.key == lease.key; });
      ++completed_;
      done_order_.push_back(lease.key);
      if (done_order_.size() > remembered_) {  // the oldest completed key is forgotten
        done_.erase(done_order_.front());
        known_.erase(done_order_.front());
        done_order_.pop_front();
      }
      changed();
    }
    return first;
  }

  void retry(const Lease& lease, const std::string& error) {
    std::lock_guard guard(mu_);
    auto held = in_flight_.find(lease.id);
    if (held == in_flight_.end()) return;  // spent
    Lease again = std::move(held->second.lease);
    in_flight_.erase(held);
    requeue(std::move(again), error);
  }

  void release_owner(std::uint64_t owner, const std::string& why) {
    std::lock_guard guard(mu_);
    for (auto i = in_flight_.begin(); i != in_flight_.end();) {
      if (i->second.owner != owner) {
        ++i;
        continue;
      }
      Lease again = std::move(i->second.lease);
      i = in_flight_.erase(i);
      requeue(std::move(again), why);
    }
  }

  // No more pushes; workers leave take() once the queue is empty.
  void close() {
    std::lock_guard guard(mu_);
    closed_ = true;
    ready_cv_.notify_all();
  }

  // Every pushed key is completed or dead-lettered.
  bool drained() const {
    std::lock_guard guard(mu_);
    return done_.size() + dead_.size() == known_.size();
  }
  template <class Rep, class Period>
  bool wait_drained(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mu_);
    return changed_cv_.wait_for(lock, timeout,
                                [this] { return done_.size() + dead_.size() == known_.size(); });
  }

  // Items completed since the queue was made (forgotten keys included).
  std::size_t completed() const {
    std::lock_guard guard(mu_);
    return completed_;
  }
  std::size_t in_flight() const {
    std::lock_guard guard(mu_);
    return in_flight_.size();
  }
  std::uint64_t retries() const {
    std::lock_guard guard(mu_);
    return retries_;
  }
  std::vector<DeadLetter> dead_letters() const {
    std::lock_guard guard(mu_);
    return dead_;
  }
  // The dead letters, handed over: the queue forgets them and their keys.
  std::vector<DeadLetter> take_dead_letters() {
    std::lock_guard guard(mu_);
    std::vector<DeadLetter> out = std::move(dead_);
    dead_.clear();
    for (const DeadLetter& d : out) known_.erase(d.key);
    return out;
  }

 private:
  struct Held {
    std::uint64_t owner;
    Lease lease;
  };

  void requeue(Lease lease, const std::string& error) {
    if (done_.count(lease.key) != 0) return;  // finished elsewhere meanwhile
    ++retries_;
    if (lease.attempt >= max_attempts_) {
      dead_.push_back({std::move(lease.key), std::move(lease.item), lease.attempt, error});
      changed();
      return;
    }
    ++lease.attempt;
    lease.id = 0;
    ready_.push_back(std::move(lease));
    ready_cv_.notify_one();
  }
  void changed() { changed_cv_.notify_all(); }

  const int max_attempts_;
  const std::size_t remembered_;
  mutable std::mutex mu_;
  std::condition_variable_any ready_cv_;
  std::condition_variable changed_cv_;
  std::deque<Lease> ready_;
  std::unordered_map<std::uint64_t, Held> in_flight_;
  std::unordered_set<std::string> known_;
  std::unordered_set<std::string> done_;
  std::deque<std::string> done_order_;  // completed keys, oldest first, as remembered
  std::vector<DeadLetter> dead_;
  std::size_t completed_ = 0;
  std::uint64_t next_lease_ = 1;
  std::uint64_t retries_ = 0;
  bool closed_ = false;
};

// A queue worker's loop: take an item, process it, complete it, and commit its result only if
// this completion is the key's first. An exception puts the item back: a deadlock victim's item
// is retried and the worker goes on; a cancellation ends the loop; anything else (a crash) ends
// it too and is rethrown, for the supervisor to restart the worker.
//   process: R(const Item&, WorkerContext&)     commit: void(const std::string& key, R)
//   (for R = void, commit: void(const std::string& key))
template <class Item, class Process, class Commit>
void serve(WorkQueue<Item>& queue, WorkerContext& context, Process&& process, Commit&& commit) {
  using Result = std::invoke_result_t<Process&, const Item&, WorkerContext&>;
  while (auto lease = queue.take(context)) {
    try {
      if constexpr (std::is_void_v<Result>) {
        process(std::as_const(lease->item), context);
        if (queue.complete(*lease)) commit(lease->key);
      } else {
        Result result = process(std::as_const(lease->item), context);
        if (queue.complete(*lease)) commit(lease->key, std::move(result));
      }
    } catch (const lockorder::deadlock_victim& e) {
      queue.retry(*lease, e.what());
    } catch (const work_cancelled& e) {
      queue.retry(*lease, e.what());
      return;
    } catch (const std::exception& e) {
      queue.retry(*lease, e.what());
      throw;
    } catch (...) {
      queue.retry(*lease, "unknown exception");
      throw;
    }
    context.heartbeat.beat();
  }
}

}  // namespace lockorder::watchdog
