#include "order/lock_graph.h"

#include <algorithm>

namespace lockorder::internal {

namespace {

// A free slot of `items`: a recycled one if any, else a new one at the end.
template <class Items, class Id>
Id take_slot(Items& items, std::vector<Id>& free) {
  if (free.empty()) {
    items.emplace_back();
    return static_cast<Id>(items.size() - 1);
  }
  Id id = free.back();
  free.pop_back();
  return id;
}

}  // namespace

LockGraph::NodeId LockGraph::add_node() {
  const NodeId id = take_slot(nodes_, free_nodes_);
  // A new node has no edges yet, so any position is consistent; the end is cheapest.
  nodes_[id].pos = front_ + static_cast<std::uint32_t>(order_.size());
  nodes_[id].alive = true;
  order_.push_back(id);
  return id;
}

LockGraph::EdgeId LockGraph::find_edge(NodeId from, NodeId to) const {
  const auto& out = nodes_[from].out;
  const auto& in = nodes_[to].in;
  const bool by_out = out.size() <= in.size();
  const NodeId other = by_out ? to : from;
  for (const Adjacent& a : by_out ? out : in)
    if (a.other == other) return a.edge;
  return kNoEdge;
}

LockGraph::EdgeId LockGraph::link(NodeId from, NodeId to, bool back) {
  const EdgeId e = take_slot(edges_, free_edges_);
  auto& out = nodes_[from].out;
  auto& in = nodes_[to].in;
  edges_[e] = EdgeRecord{
      from, to,  static_cast<std::uint32_t>(out.size()), static_cast<std::uint32_t>(in.size()),
      back, true};
  out.push_back({to, e});
  in.push_back({from, e});
  return e;
}

void LockGraph::unlink(EdgeId e) {
  EdgeRecord& rec = edges_[e];
  // Swap-remove from both adjacency arrays, telling the moved edge its new slot.
  auto& out = nodes_[rec.from].out;
  edges_[out.back().edge].out_slot = rec.out_slot;
  out[rec.out_slot] = out.back();
  out.pop_back();
  auto& in = nodes_[rec.to].in;
  edges_[in.back().edge].in_slot = rec.in_slot;
  in[rec.in_slot] = in.back();
  in.pop_back();
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
  if (nodes_[from].pos > nodes_[to].pos && nodes_[from].in.empty()) move_to_front(from);
  if (nodes_[from].pos < nodes_[to].pos || !search_and_reorder(from, to)) {
    result.edge = link(from, to, false);
    return result;
  }
  result.path = find_path(to, from, [](EdgeId) { return true; });  // a shortest one
  result.edge = link(from, to, /*back=*/true);
  result.closes_cycle = true;
  return result;
}

bool LockGraph::search_and_reorder(NodeId from, NodeId to) {
  const std::uint32_t lo = nodes_[to].pos, hi = nodes_[from].pos;
  ++epoch_;
  std::vector<NodeId> forward{to}, backward{from};
  nodes_[to].forward_mark = epoch_;
  nodes_[from].backward_mark = epoch_;
  std::size_t next_forward = 0, next_backward = 0;
  while (true) {
    // One step forward from `to`, among nodes ordered before `from`...
    if (next_forward == forward.size()) {
      move_within_window(forward, lo, hi, /*to_front=*/false);
      return false;
    }
    for (const auto [next, e] : nodes_[forward[next_forward++]].out) {
      Node& m = nodes_[next];
      if (edges_[e].back || m.pos > hi || m.forward_mark == epoch_) continue;
      if (m.backward_mark == epoch_) return true;
      m.forward_mark = epoch_;
      forward.push_back(next);
    }
    // ...and one step backward from `from`, among nodes ordered after `to`.
    if (next_backward == backward.size()) {
      move_within_window(backward, lo, hi, /*to_front=*/true);
      return false;
    }
    for (const auto [prev, e] : nodes_[backward[next_backward++]].in) {
      Node& m = nodes_[prev];
      if (edges_[e].back || m.pos < lo || m.backward_mark == epoch_) continue;
      if (m.forward_mark == epoch_) return true;
      m.backward_mark = epoch_;
      backward.push_back(prev);
    }
  }
}

void LockGraph::move_within_window(std::vector<NodeId>& moved, std::uint32_t lo, std::uint32_t hi,
                                   bool to_front) {
  // Everything `moved` reaches (or is reached by) inside the window is in `moved` too, so
  // sliding the whole set to one end of the window keeps every edge pointing forward.
  std::sort(moved.begin(), moved.end(),
            [this](NodeId a, NodeId b) { return nodes_[a].pos < nodes_[b].pos; });
  const bool forward_set = !to_front;
  auto in_moved = [&](NodeId n) {
    return forward_set ? nodes_[n].forward_mark == epoch_ : nodes_[n].backward_mark == epoch_;
  };
  std::vector<NodeId> window;
  window.reserve(hi - lo + 1);
  if (to_front) window.insert(window.end(), moved.begin(), moved.end());
  for (std::uint32_t p = lo; p <= hi; ++p)
    if (at(p) != kNoNode && !in_moved(at(p))) window.push_back(at(p));
  if (!to_front) window.insert(window.end(), moved.begin(), moved.end());
  std::uint32_t p = lo;
  for (NodeId n : window) {
    at(p) = n;
    nodes_[n].pos = p++;
  }
  for (; p <= hi; ++p) at(p) = kNoNode;  // the window's holes gather at its end
}

void LockGraph::move_to_front(NodeId node) {
  // Nothing leads into it, so every edge out of it points forward from the front.
  if (front_ == 0) compact_order();
  at(nodes_[node].pos) = kNoNode;
  order_.push_front(node);
  nodes_[node].pos = --front_;
  if (++holes_ > 1024 && holes_ > order_.size() / 2) compact_order();
}

void LockGraph::compact_order() {
  std::size_t p = 0;
  for (NodeId n : order_) {
    if (n == kNoNode) continue;
    order_[p] = n;
    nodes_[n].pos = kFirstFront + static_cast<std::uint32_t>(p++);
  }
  order_.resize(p);
  front_ = kFirstFront;
  holes_ = 0;
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
  std::size_t adjacency = 0;
  for (const Node& n : nodes_) adjacency += (n.out.capacity() + n.in.capacity()) * sizeof(Adjacent);
  return nodes_.size() * sizeof(Node) + edges_.size() * sizeof(EdgeRecord) +
         order_.size() * sizeof(NodeId) + adjacency;
}

}  // namespace lockorder::internal
