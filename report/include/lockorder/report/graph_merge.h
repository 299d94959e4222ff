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
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lockorder/report/graph_file.h"
#include "lockorder/report/report.h"
#include "lockorder/report/reportable_cycle.h"

namespace lockorder::report {

class MergedGraph {
 public:
  struct Sighting {
    std::size_t process = 0;  // index into process_names()
    std::string thread;
  };
  struct Edge {
    std::size_t from = 0;
    std::size_t to = 0;
    std::set<std::string> modes;     // "held>acquired"
    std::vector<std::size_t> gates;  // sorted lock indices, held around it in every sighting
    std::vector<Sighting> seen;      // the first sighting in each process, in merge order
    // The acquisition stacks of the first sighting, as indices into the merge's frames (one
    // pair per edge, each frame kept once: memory grows with the distinct edges and frames, not
    // with the processes that took them). See stack().
    std::vector<std::uint32_t> from_site;
    std::vector<std::uint32_t> to_site;
    // Where each sighting took its two locks, as site_key()s: how a runtime edge and a static
    // one are found to be the same acquisition.
    std::set<std::pair<std::string, std::string>> site_keys;
  };

  // Adds one process's graph, or a merged one (its edges name their processes).
  void add(const GraphFile& graph);
  // The merged graph as one graph file, for a merge in several steps (CI shards merged in a
  // tree): each edge names the first process that took it, and merging such files finds what
  // merging all the processes' files at once does.
  GraphFile as_graph_file(const std::string& label) const;

  const std::vector<GraphFile::Lock>& locks() const { return locks_; }
  const std::vector<Edge>& edges() const { return edges_; }
  std::size_t processes() const { return process_names_.size(); }
  std::size_t graphs() const { return graphs_; }  // graph files added
  // "orders_test (pid 4242)" for each process, in the order first seen (see process_name).
  const std::vector<std::string>& process_names() const { return process_names_; }
  Stack stack(const std::vector<std::uint32_t>& frames) const;
  // Edges left out because both of their locks have one identity.
  std::size_t same_identity_edges() const { return same_identity_edges_; }

 private:
  std::size_t lock_index(const GraphFile::Lock& lock);
  std::vector<std::uint32_t> intern(const Stack& stack);
  std::size_t process_index(const std::string& name);

  std::vector<GraphFile::Lock> locks_;
  std::map<std::string, std::size_t> lock_by_id_;
  std::vector<Edge> edges_;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> edge_by_locks_;
  std::vector<std::string> process_names_;
  std::map<std::string, std::size_t> process_by_name_;
  std::vector<Frame> frames_;
  std::unordered_map<std::string, std::uint32_t> frame_index_;
  std::size_t same_identity_edges_ = 0;
  std::size_t graphs_ = 0;
};

// How a report names a process: its program, its label if it has one, and its pid.
std::string process_name(const GraphFile::Process& process);

// Where a stack took its lock, as a key that lockorder-check's call chains and the runtime's
// stacks share: the file's base name and the line of its first frame outside the C and C++
// libraries (std::lock_guard's constructor is not where the program took the lock). Empty when
// there is none.
std::string site_key(const Stack& stack);

// Every reportable cycle of the merged graph, once each (the shortest through each edge, with
// the rules of report::reportable_cycle): its edges (indices into graph.edges()), and as a
// lock-order-inversion report whose edges name the process and thread that took each one.
struct MergedCycle {
  std::vector<std::size_t> edges;
  Report report;
};
std::vector<MergedCycle> merged_cycles(const MergedGraph& graph, const CycleRules& rules);

// The merged graph as a picture (dot_writer.h), the edges and locks of `cycles` marked.
GraphPicture merged_picture(const MergedGraph& graph, const std::vector<MergedCycle>& cycles);

// The static checker's cycles and the runtime's, as one list (lockorder-report given
// lockorder-check's --graph): an edge of each is the same when both took its two locks at the
// same places (site_key). Each static cycle is labelled "confirmed" when every one of its edges
// was also taken at run time, else "static-only"; a runtime cycle is dropped when it is a
// confirmed static one, labelled "confirmed" when the static graph has all its edges, else
// "runtime-only". And every runtime edge the static graph lacks, taken in a file the static
// checker analysed, is a static-gap note: a call the checker could not follow.
std::vector<Report> combine_static_and_runtime(const MergedGraph& runtime,
                                               const std::vector<MergedCycle>& runtime_cycles,
                                               const MergedGraph& statics,
                                               const std::vector<MergedCycle>& static_cycles);

}  // namespace lockorder::report
