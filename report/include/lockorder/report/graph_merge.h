// The lock-order graphs of many processes as one (lockorder-report): locks of equal identity
// are one node, an edge "held -> acquired" is one edge whichever processes saw it, and every
// cycle of the union is a finding, even when no single process saw all of its edges.
//
// Merging is associative and commutative in what it finds: the union of the locks and edges,
// each edge with every pair of modes any process saw it in and only the gates every process saw
// around it. A process's own edge between two locks of one identity (two instances of a lock
// class, two locks created at one site) is left out: which instance comes first is not known.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lockorder/report/graph_file.h"
#include "lockorder/report/report.h"
#include "lockorder/report/reportable_cycle.h"

namespace lockorder::report {

class MergedGraph {
 public:
  struct Sighting {
    std::string process;  // "orders_test (pid 4242)", see process_name
    std::string thread;
    Stack from_site;
    Stack to_site;
  };
  struct Edge {
    std::size_t from = 0;
    std::size_t to = 0;
    std::set<std::string> modes;     // "held>acquired"
    std::vector<std::size_t> gates;  // sorted lock indices, held around it in every sighting
    std::vector<Sighting> seen;      // the first sighting in each process, in merge order
  };

  // Adds one process's graph.
  void add(const GraphFile& graph);

  const std::vector<GraphFile::Lock>& locks() const { return locks_; }
  const std::vector<Edge>& edges() const { return edges_; }
  std::size_t processes() const { return processes_; }
  // Edges left out because both of their locks have one identity.
  std::size_t same_identity_edges() const { return same_identity_edges_; }

 private:
  std::size_t lock_index(const GraphFile::Lock& lock);

  std::vector<GraphFile::Lock> locks_;
  std::map<std::string, std::size_t> lock_by_id_;
  std::vector<Edge> edges_;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> edge_by_locks_;
  std::size_t processes_ = 0;
  std::size_t same_identity_edges_ = 0;
};

// How a report names a process: its program, its label if it has one, and its pid.
std::string process_name(const GraphFile::Process& process);

// Every reportable cycle of the merged graph, once each (the shortest through each edge, with
// the rules of report::reportable_cycle), as lock-order-inversion reports whose edges name the
// process and thread that took each one.
std::vector<Report> merged_cycles(const MergedGraph& graph, const CycleRules& rules);

}  // namespace lockorder::report
