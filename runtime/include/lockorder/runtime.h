// Introspection and output of the runtime's lock-order graph.
//
// Thread-safety: every function may be called from any thread; each takes the graph's internal
// lock briefly (do not call them on a latency-sensitive path).
#pragma once

#include <cstddef>
#include <string>

namespace lockorder {

struct runtime_stats {
  std::size_t nodes = 0;            // locks (or lock classes) in the lock-order graph
  std::size_t edges = 0;            // distinct "held -> acquired" orders
  std::size_t reports = 0;          // reports produced so far
  std::size_t stacks = 0;           // distinct acquisition stacks stored
  std::size_t graph_bytes = 0;      // memory held by the graph, edges and stacks (estimate)
  std::size_t graph_visits = 0;     // times any thread took the graph's internal lock
  std::size_t repeated_cycles = 0;  // cycles counted, not reported: same sites (all_instances)
};
runtime_stats stats();

// The whole lock-order graph as Graphviz DOT, reported cycles highlighted.
std::string lock_graph_dot();
// Writes lock_graph_dot() to `path` atomically; returns an empty string or an error message.
std::string write_lock_graph_dot(const std::string& path);

// Whether reports set the process's exit status (`exitcode`, 66 by default) [true]. A production
// daemon that recovers from deadlocks at run time (the watchdog turns this off while it breaks
// deadlocks) exits with its own status: under a supervisor such as systemd's Restart=on-failure,
// a clean shutdown after a recovery is not a crash. Reports made while it is off never set the
// status; those made before or after still do. Calls nest: each false needs its true.
void reports_set_exit_status(bool on);

// Names the calling thread in reports (default: the name set with pthread_setname_np, if any).
void set_thread_name(const char* name);

}  // namespace lockorder
