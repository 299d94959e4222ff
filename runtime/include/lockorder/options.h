// Runtime options: what lockorder checks and what it does when it finds something.
//
// Options come from the environment variable LOCKORDER_OPTIONS (key=value pairs separated by ':'
// or ',', the sanitizers' convention), read once when the runtime first starts, and from
// set_options(), which wins. Keys (defaults in brackets):
//
//   on_report=report|abort|throw  [report] what to do after printing a report:
//                                 keep going, abort(), or throw lockorder::lock_order_error from
//                                 the acquisition that found it (before blocking; only lock
//                                 operations can throw, an unlock never does). From the API
//                                 only: report_action::callback calls options::callback with
//                                 the report, on the thread that found it, then goes on
//   on_deadlock=exit|abort|wait   [exit] after reporting threads blocked in a cycle (a
//                                 `deadlock`) or an acquisition that can only hang (a
//                                 double-lock of a non-recursive lock): end the process with
//                                 `exitcode`, abort(), or go on and hang
//   exitcode=N                    [66] exit status of a process that produced a report, set
//                                 when it exits (0 keeps the program's own status)
//   read_read_cycles=0|1          [0] report cycles in which every acquisition, held and
//                                 acquired, is shared (read). Readers do not block readers on
//                                 glibc's reader-preferring rwlocks (the default behind
//                                 std::shared_mutex), so such cycles cannot deadlock there; with
//                                 writer-preferring locks they can: set 1. A cycle with at least
//                                 one exclusive acquisition is always reported, since a waiting
//                                 writer can block the readers on many platforms.
//   gated_cycles=0|1              [0] report cycles whose every edge was taken while one common
//                                 "gate" lock was held exclusively (the gate serializes them)
//   all_instances=0|1             [0] report every instance of a cycle. By default a cycle is
//                                 reported once per set of acquisition sites: the same code
//                                 paths on other locks (every buffer of a pool with a lock of
//                                 its own) are counted, not repeated, and the count is said at
//                                 exit (ThreadSanitizer's suppress_equal_stacks)
//   stack_depth=N                 [32] frames kept per acquisition stack (1..256)
//   log_path=FILE                 [stderr] append reports to FILE instead of stderr
//   sarif=FILE                    also write every report as SARIF 2.1.0 to FILE (rewritten
//                                 whole after each report; an empty run at exit if none)
//   dot=FILE                      write the lock-order graph as DOT to FILE at exit
//   graph_dir=DIR                 write this process's graph into DIR for lockorder-report
//   graph_label=TEXT              what lockorder-report calls this process
//   graph_site_depth=N            [1] frames of a lock's creation stack, outside the C and C++
//                                 libraries, that make its identity in the graph file when it
//                                 has no class, name or variable (lockorder-run's locks; 1..16)
//
// Thread-safety: all functions here may be called from any thread at any time.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "lockorder/report/report.h"

namespace lockorder {

enum class report_action { report, abort, throw_exception, callback };
enum class deadlock_action { exit, abort, wait };

namespace report {
struct Report;
}

struct options {
  report_action on_report = report_action::report;
  // With on_report = report_action::callback: called for every report after it is printed.
  std::function<void(const report::Report&)> callback;
  deadlock_action on_deadlock = deadlock_action::exit;
  int exitcode = 66;
  bool read_read_cycles = false;
  bool gated_cycles = false;
  bool all_instances = false;
  int stack_depth = 32;
  std::string log_path;
  std::string sarif_path;
  std::string dot_path;
  // A directory to write this process's lock-order graph into, at exit and after each report,
  // for lockorder-report (PROGRAM.PID.RANDOM.lockorder-graph.json; the directory is made if
  // missing); empty: none.
  std::string graph_dir;
  // What lockorder-report calls this process beside its program's name (a test shard, say).
  std::string graph_label;
  int graph_site_depth = 1;
};

// Parses "key=value:key=value" onto `opts`. Returns an empty string on success, else an error
// naming the offending key or value (and leaves the other keys applied).
std::string parse_options(std::string_view text, options& opts);

options get_options();
void set_options(const options& opts);

// Thrown from an acquisition when on_report=throw. The lock was not taken.
class lock_order_error : public std::runtime_error {
 public:
  lock_order_error(std::string kind, const std::string& text)
      : std::runtime_error(text), kind_(std::move(kind)) {}
  // The report kind, e.g. "lock-order-inversion" or "double-lock".
  const std::string& kind() const noexcept { return kind_; }

 private:
  std::string kind_;
};

// Observers see every report after it is printed (for test listeners, metrics, logs). They run
// on the thread that found the problem, with no lockorder-internal lock held. Returns a handle
// for remove_report_observer.
using report_observer = std::function<void(const report::Report&)>;
int add_report_observer(report_observer observer);
void remove_report_observer(int handle);

}  // namespace lockorder
