// Test support: a collector of the reports lockorder produces, stack helpers, scoped options,
// and lock_pair (the one place the tests take two locks nested).
#pragma once

#include <barrier>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "lockorder/mutex.h"
#include "lockorder/options.h"
#include "lockorder/report/report.h"
#include "lockorder/runtime.h"
#include "lockorder/wait_for.h"

// A wait on a latch, barrier or condition variable is blocked for good only when every other
// thread of the process is; ThreadSanitizer's runtime keeps a thread of its own that sleeps and
// wakes, so under it such a deadlock is never reported (docs/runtime.md).
#if defined(__SANITIZE_THREAD__)
#define LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS() \
  GTEST_SKIP() << "ThreadSanitizer's own thread runs: no wait for every other thread ends"
#else
#define LOCKORDER_SKIP_IF_A_SANITIZER_THREAD_RUNS() static_cast<void>(0)
#endif

namespace lockorder::testing {

// The threads blocked_threads() shows waiting for `waits_for` (or for something that starts so),
// asked every 5 ms for up to a second, until one shows.
inline std::vector<blocked_thread> shown_waiting_for(std::string_view waits_for) {
  std::vector<blocked_thread> shown;
  for (int tries = 0; tries < 200 && shown.empty(); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (const blocked_thread& b : blocked_threads())
      if (b.waits_for.starts_with(waits_for)) shown.push_back(b);
  }
  return shown;
}

class ReportCollector {
 public:
  ReportCollector() {
    handle_ = add_report_observer([this](const report::Report& r) {
      std::lock_guard guard(mu_);
      reports_.push_back(r);
    });
  }
  ~ReportCollector() { remove_report_observer(handle_); }
  ReportCollector(const ReportCollector&) = delete;
  ReportCollector& operator=(const ReportCollector&) = delete;

  std::vector<report::Report> all() {
    std::lock_guard guard(mu_);
    return reports_;
  }
  std::vector<report::Report> of_kind(std::string_view kind) {
    std::vector<report::Report> out;
    for (auto& r : all())
      if (r.kind == kind) out.push_back(r);
    return out;
  }
  std::size_t count() { return all().size(); }

 private:
  std::mutex mu_;
  std::vector<report::Report> reports_;
  int handle_ = 0;
};

// Does some frame of the stack run in a function whose name contains `name`?
inline bool mentions(const report::Stack& stack, std::string_view name) {
  for (const auto& frame : stack)
    if (frame.function.find(name) != std::string::npos) return true;
  return false;
}

// Takes `outer`, then `inner` while holding it, then releases both: the edge outer -> inner.
template <class Outer, class Inner>
[[gnu::noinline]] void lock_pair(Outer& outer, Inner& inner) {
  std::lock_guard first(outer);
  std::lock_guard second(inner);
}

// The same, both taken for reading (shared).
template <class Outer, class Inner>
[[gnu::noinline]] void read_pair(Outer& outer, Inner& inner) {
  std::shared_lock first(outer);
  std::shared_lock second(inner);
}

// The first frame of the stack in a function whose name contains `name`, or nullptr.
inline const report::Frame* frame_in(const report::Stack& stack, std::string_view name) {
  for (const auto& frame : stack)
    if (frame.function.find(name) != std::string::npos) return &frame;
  return nullptr;
}

// Sets options for the lifetime of the object, then restores the previous ones.
class ScopedOptions {
 public:
  explicit ScopedOptions(std::string_view text) : saved_(get_options()) {
    options opts = saved_;
    std::string error = parse_options(text, opts);
    if (!error.empty()) throw std::invalid_argument(error);
    set_options(opts);
  }
  ~ScopedOptions() { set_options(saved_); }

 private:
  options saved_;
};

// Each thread ("ring0", "ring1", ...) takes its own lock, waits for all the others to do the
// same, then takes the next thread's lock: a ring of `n` threads that can only deadlock. Thread
// `late` blocks last (it closes the cycle). A thread whose acquisition throws deadlock_victim
// records it; without a deadlock resolver, on_deadlock ends the process.
struct RingOutcome {
  std::vector<bool> victim;     // per thread: its acquisition threw deadlock_victim
  std::vector<bool> completed;  // per thread: took both locks
};

inline RingOutcome deadlock_ring(std::size_t n, std::size_t late) {
  std::vector<mutex> locks(n);
  std::barrier all_hold(static_cast<std::ptrdiff_t>(n));
  RingOutcome outcome{std::vector<bool>(n), std::vector<bool>(n)};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      set_thread_name(("ring" + std::to_string(i)).c_str());
      std::unique_lock mine(locks[i]);
      all_hold.arrive_and_wait();
      if (i == late) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      try {
        std::lock_guard next(locks[(i + 1) % n]);
        outcome.completed[i] = true;
      } catch (const deadlock_victim&) {
        outcome.victim[i] = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  return outcome;
}

}  // namespace lockorder::testing
