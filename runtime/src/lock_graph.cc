#include "lock_graph.h"

#include <algorithm>

namespace lockorder::internal {

LockGraph::NodeId LockGraph::add_node() {
  NodeId id;
  if (!free_nodes_.empty()) {
    id = free_nodes_.back();
    free_nodes_.pop_back();
  } else {
    id = static_cast<NodeId>(nodes_.size());
    nodes_.emplace_back();
  }
  // A new node has no edges yet, so any position is consistent; the end is cheapest.
  nodes_[id].ord = next_ord_++;
  nodes_[id].alive = true;
  return id;
}

LockGraph::EdgeId LockGraph::find_edge(NodeId from, NodeId to) const {
  const auto& out = nodes_[from].out;
  auto it = out.find(to);
  return it == out.end() ? kNoEdge : it->second;
}

LockGraph::EdgeId LockGraph::link(NodeId from, NodeId to, bool back) {
  EdgeId e;
  if (!free_edges_.empty()) {
    e = free_edges_.back();
    free_edges_.pop_back();
  } else {
    e = static_cast<EdgeId>(edges_.size());
    edges_.emplace_back();
  }
  edges_[e] = EdgeRecord{from, to, back, true};
  nodes_[from].out.emplace(to, e);
  nodes_[to].in.emplace(from, e);
  return e;
}

void LockGraph::unlink(EdgeId e) {
  EdgeRecord& rec = edges_[e];
  nodes_[rec.from].out.erase(rec.to);
  nodes_[rec.to].in.erase(rec.from);
  rec.alive = false;
  free_edges_.push_back(e);
}

LockGraph::Insertion LockGraph::insert_edge(NodeId from, NodeId to) {
  Insertion result;
  if (from == to) {
    result.edge = link(from, to, /*back=*/true);
    result.closes_cycle = true;
    return result;
  }
  const std::int64_t lower = nodes_[to].ord, upper = nodes_[from].ord;
  if (upper < lower) {
    result.edge = link(from, to, false);
    return result;
  }
  ++epoch_;
  std::vector<NodeId> forward, backward;
  if (search_forward(to, from, upper, forward)) {
    result.path = path_to(to, from);
    result.edge = link(from, to, /*back=*/true);
    result.closes_cycle = true;
    return result;
  }
  search_backward(from, lower, backward);
  reorder(forward, backward);
  result.edge = link(from, to, false);
  return result;
}

bool LockGraph::search_forward(NodeId start, NodeId target, std::int64_t bound,
                               std::vector<NodeId>& reached) {
  // Breadth-first, so that a cycle found here is a shortest one.
  nodes_[start].forward_mark = epoch_;
  nodes_[start].reached_by = kNoEdge;
  reached.push_back(start);
  for (std::size_t i = 0; i < reached.size(); ++i) {
    for (auto& [next, e] : nodes_[reached[i]].out) {
      Node& m = nodes_[next];
      if (edges_[e].back || m.forward_mark == epoch_ || m.ord > bound) continue;
      m.forward_mark = epoch_;
      m.reached_by = e;
      if (next == target) return true;
      reached.push_back(next);
    }
  }
  return false;
}

void LockGraph::search_backward(NodeId start, std::int64_t bound, std::vector<NodeId>& reached) {
  nodes_[start].backward_mark = epoch_;
  reached.push_back(start);
  for (std::size_t i = 0; i < reached.size(); ++i) {
    for (auto& [prev, e] : nodes_[reached[i]].in) {
      Node& m = nodes_[prev];
      if (edges_[e].back || m.backward_mark == epoch_ || m.ord < bound) continue;
      m.backward_mark = epoch_;
      reached.push_back(prev);
    }
  }
}

void LockGraph::reorder(std::vector<NodeId>& forward, std::vector<NodeId>& backward) {
  // Everything that reaches `from` must now come before everything reachable from `to`; the
  // affected nodes reuse their own positions, so no other node moves.
  auto by_ord = [this](NodeId a, NodeId b) { return nodes_[a].ord < nodes_[b].ord; };
  std::sort(forward.begin(), forward.end(), by_ord);
  std::sort(backward.begin(), backward.end(), by_ord);
  std::vector<std::int64_t> slots;
  slots.reserve(forward.size() + backward.size());
  for (NodeId n : backward) slots.push_back(nodes_[n].ord);
  for (NodeId n : forward) slots.push_back(nodes_[n].ord);
  std::sort(slots.begin(), slots.end());
  std::size_t i = 0;
  for (NodeId n : backward) nodes_[n].ord = slots[i++];
  for (NodeId n : forward) nodes_[n].ord = slots[i++];
}

std::vector<LockGraph::EdgeId> LockGraph::path_to(NodeId start, NodeId target) const {
  std::vector<EdgeId> path;
  for (NodeId n = target; n != start;) {
    EdgeId e = nodes_[n].reached_by;
    path.push_back(e);
    n = edges_[e].from;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::size_t LockGraph::memory_bytes() const {
  // unordered_map entries: a heap node (key, value, next pointer, cached hash) plus a bucket.
  constexpr std::size_t kMapEntry = 4 * sizeof(void*) + sizeof(void*);
  return nodes_.capacity() * sizeof(Node) + edges_.capacity() * sizeof(EdgeRecord) +
         edge_count() * 2 * kMapEntry;
}

}  // namespace lockorder::internal
