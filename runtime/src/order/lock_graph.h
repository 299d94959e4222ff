// LockGraph: the lock-order graph's shape, with a topological order kept incrementally.
//
// Nodes are locks (or lock classes); an edge A -> B means "B was acquired while A was held".
// The edges that agree with the current order form a DAG. An edge that would close a cycle is
// still stored (so it is found again and never reported twice) but marked as a back edge and
// left out of the order: traversals skip it.
//
// The order is Pearce & Kelly's dynamic topological order ("A dynamic topological sort algorithm
// for directed acyclic graphs", 2006), with its two searches run in lockstep: an edge consistent
// with the order costs O(1); one that contradicts it searches forward from its target and
// backward from its source, both only between the two ends in the order, and stops as soon as
// one side is exhausted (no cycle: that side alone is moved past the other end) or the two
// meet (a cycle). A lock with no edge into it is simply moved to the front of the order: the
// many locks that are only ever held around others (bucket locks around an LRU lock) cost O(1)
// an edge, not a reordering of everything created between them and their targets.
//
// Not thread-safe: the runtime serializes all access.
#pragma once

#include <cstdint>
#include <deque>
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
  std::size_t in_degree(NodeId n) const { return nodes_[n].in.size(); }
  template <class Visit>
  void for_each_edge_into(NodeId n, Visit&& visit) const {
    for (const Adjacent& a : nodes_[n].in) visit(a.edge);
  }
  std::size_t node_count() const { return nodes_.size() - free_nodes_.size(); }
  // Position in the topological order (for tests): smaller comes first.
  std::uint32_t position(NodeId n) const { return nodes_[n].pos; }
  std::size_t edge_count() const { return edges_.size() - free_edges_.size(); }
  std::size_t memory_bytes() const;

  template <class Visit>
  void for_each_edge(Visit&& visit) const {
    for (EdgeId e = 0; e < edges_.size(); ++e)
      if (edges_[e].alive) visit(e);
  }

 private:
  static constexpr NodeId kNoNode = ~NodeId{0};
  struct Adjacent {
    NodeId other;
    EdgeId edge;
  };
  struct Node {
    std::uint32_t pos = 0;  // order_[pos - front_]
    bool alive = false;
    std::uint32_t forward_mark = 0;
    std::uint32_t backward_mark = 0;
    EdgeId reached_by = kNoEdge;  // BFS parent edge in find_path, valid while forward_mark
    // Adjacency as plain arrays: compact for the many locks with few edges, and an edge is
    // found by scanning the shorter of its two ends' arrays, contiguous memory (a hash map of
    // pairs cost two cache misses a lookup). Each edge knows its slot in both arrays, so
    // removing it is O(1) even at a hub lock.
    std::vector<Adjacent> out;  // other: the edge's target
    std::vector<Adjacent> in;   // other: the edge's source
  };
  struct EdgeRecord {
    NodeId from = 0;
    NodeId to = 0;
    std::uint32_t out_slot = 0;  // index in nodes_[from].out
    std::uint32_t in_slot = 0;   // index in nodes_[to].in
    bool back = false;
    bool alive = false;
  };
  EdgeId link(NodeId from, NodeId to, bool back);
  void unlink(EdgeId e);
  // Both searches of an order-contradicting edge from -> to, in lockstep. Returns true if they
  // meet (a cycle); otherwise reorders and returns false.
  bool search_and_reorder(NodeId from, NodeId to);
  // Moves `moved` (all inside the window of positions [lo, hi]) to the front of the window if
  // `to_front`, else to its back, keeping every other relative order.
  void move_within_window(std::vector<NodeId>& moved, std::uint32_t lo, std::uint32_t hi,
                          bool to_front);
  void move_to_front(NodeId node);
  void compact_order();
  NodeId& at(std::uint32_t pos) { return order_[pos - front_]; }
  std::vector<EdgeId> path_to(NodeId start, NodeId target) const;

  std::deque<Node> nodes_;  // deques grow without moving what they hold
  std::vector<NodeId> free_nodes_;
  std::deque<EdgeRecord> edges_;
  std::vector<EdgeId> free_edges_;
  // The node at each position from front_ on; kNoNode where a node was removed or moved. The
  // positions start mid-range so that the front can grow down.
  static constexpr std::uint32_t kFirstFront = 1u << 31;
  std::deque<NodeId> order_;
  std::uint32_t front_ = kFirstFront;
  std::size_t holes_ = 0;
  std::uint32_t epoch_ = 0;
};

template <class OnEdgeRemoved>
void LockGraph::remove_node(NodeId node, OnEdgeRemoved&& on_removed) {
  std::vector<EdgeId> touching;
  for (const Adjacent& a : nodes_[node].out) touching.push_back(a.edge);
  for (const Adjacent& a : nodes_[node].in)
    if (a.other != node) touching.push_back(a.edge);  // a self edge is in both arrays
  for (EdgeId e : touching) {
    on_removed(e);
    unlink(e);
  }
  at(nodes_[node].pos) = kNoNode;
  nodes_[node] = Node{};
  free_nodes_.push_back(node);
  if (++holes_ > 1024 && holes_ > order_.size() / 2) compact_order();
}

template <class Usable>
std::vector<LockGraph::EdgeId> LockGraph::find_path(NodeId from, NodeId to, Usable&& usable) {
  if (nodes_[from].pos > nodes_[to].pos) return {};
  ++epoch_;
  std::vector<NodeId> queue{from};
  nodes_[from].forward_mark = epoch_;
  nodes_[from].reached_by = kNoEdge;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    NodeId n = queue[i];
    if (n == to) return path_to(from, to);
    for (const auto [next, e] : nodes_[n].out) {
      Node& m = nodes_[next];
      if (edges_[e].back || m.forward_mark == epoch_ || m.pos > nodes_[to].pos || !usable(e))
        continue;
      m.forward_mark = epoch_;
      m.reached_by = e;
      queue.push_back(next);
    }
  }
  return {};
}

}  // namespace lockorder::internal
