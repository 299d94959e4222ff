// LockGraph: the lock-order graph's shape, with a topological order kept incrementally
// (Pearce & Kelly, "A dynamic topological sort algorithm for directed acyclic graphs", 2006).
//
// Nodes are locks (or lock classes); an edge A -> B means "B was acquired while A was held".
// The edges that agree with the current order form a DAG. An edge that would close a cycle is
// still stored (so it is found again and never reported twice) but marked as a back edge and
// left out of the order: traversals skip it. An edge consistent with the order costs O(1); one
// that contradicts it only visits the nodes between its two ends in the order.
//
// Not thread-safe: the runtime serializes all access.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace lockorder::internal {

class LockGraph {
 public:
  using NodeId = std::uint32_t;
  using EdgeId = std::uint32_t;
  static constexpr EdgeId kNoEdge = ~EdgeId{0};

  struct Insertion {
    EdgeId edge = kNoEdge;
    bool closes_cycle = false;
    // When closes_cycle: the edges of a shortest path to -> ... -> from, which together with
    // the new edge form the cycle. Empty for a self edge.
    std::vector<EdgeId> path;
  };

  NodeId add_node();
  // Removes the node and every edge touching it, calling on_removed(edge) for each edge first.
  template <class OnEdgeRemoved>
  void remove_node(NodeId node, OnEdgeRemoved&& on_removed);

  EdgeId find_edge(NodeId from, NodeId to) const;
  Insertion insert_edge(NodeId from, NodeId to);

  // A shortest path from -> ... -> to over ordered (non-back) edges accepted by `usable`; empty
  // when there is none.
  template <class Usable>
  std::vector<EdgeId> find_path(NodeId from, NodeId to, Usable&& usable);

  NodeId from(EdgeId e) const { return edges_[e].from; }
  NodeId to(EdgeId e) const { return edges_[e].to; }
  bool is_back_edge(EdgeId e) const { return edges_[e].back; }
  std::size_t node_count() const { return nodes_.size() - free_nodes_.size(); }
  std::size_t edge_count() const { return edges_.size() - free_edges_.size(); }
  std::size_t memory_bytes() const;

  template <class Visit>
  void for_each_edge(Visit&& visit) const {
    for (EdgeId e = 0; e < edges_.size(); ++e)
      if (edges_[e].alive) visit(e);
  }

 private:
  struct Node {
    std::int64_t ord = 0;
    bool alive = false;
    std::uint32_t forward_mark = 0;
    std::uint32_t backward_mark = 0;
    EdgeId reached_by = kNoEdge;  // BFS parent edge, valid while forward_mark == epoch_
    std::unordered_map<NodeId, EdgeId> out;
    std::unordered_map<NodeId, EdgeId> in;
  };
  struct EdgeRecord {
    NodeId from = 0;
    NodeId to = 0;
    bool back = false;
    bool alive = false;
  };

  EdgeId link(NodeId from, NodeId to, bool back);
  void unlink(EdgeId e);
  // Pearce–Kelly's forward search: the nodes reachable from `start` whose order is below
  // `bound`; returns true (and leaves BFS parents set) if `target` is among them.
  bool search_forward(NodeId start, NodeId target, std::int64_t bound,
                      std::vector<NodeId>& reached);
  void search_backward(NodeId start, std::int64_t bound, std::vector<NodeId>& reached);
  void reorder(std::vector<NodeId>& forward, std::vector<NodeId>& backward);
  std::vector<EdgeId> path_to(NodeId start, NodeId target) const;

  std::vector<Node> nodes_;
  std::vector<NodeId> free_nodes_;
  std::vector<EdgeRecord> edges_;
  std::vector<EdgeId> free_edges_;
  std::int64_t next_ord_ = 0;
  std::uint32_t epoch_ = 0;
};

template <class OnEdgeRemoved>
void LockGraph::remove_node(NodeId node, OnEdgeRemoved&& on_removed) {
  std::vector<EdgeId> touching;
  for (auto& [_, e] : nodes_[node].out) touching.push_back(e);
  for (auto& [other, e] : nodes_[node].in)
    if (other != node) touching.push_back(e);  // a self edge is in both maps
  for (EdgeId e : touching) {
    on_removed(e);
    unlink(e);
  }
  nodes_[node] = Node{};
  free_nodes_.push_back(node);
}

template <class Usable>
std::vector<LockGraph::EdgeId> LockGraph::find_path(NodeId from, NodeId to, Usable&& usable) {
  if (nodes_[from].ord > nodes_[to].ord) return {};
  ++epoch_;
  std::vector<NodeId> queue{from};
  nodes_[from].forward_mark = epoch_;
  nodes_[from].reached_by = kNoEdge;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    NodeId n = queue[i];
    if (n == to) return path_to(from, to);
    for (auto& [next, e] : nodes_[n].out) {
      Node& m = nodes_[next];
      if (edges_[e].back || m.forward_mark == epoch_ || m.ord > nodes_[to].ord || !usable(e))
        continue;
      m.forward_mark = epoch_;
      m.reached_by = e;
      queue.push_back(next);
    }
  }
  return {};
}

}  // namespace lockorder::internal
