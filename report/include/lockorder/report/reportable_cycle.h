// Which lock-order cycles are reported: one rule for the runtime and lockorder-check.
//
// A cycle of "held -> acquired" edges is a potential deadlock, and reported, unless
//   - a gate serializes it: one lock held exclusively around the outer lock of every edge of the
//     cycle (the threads that take the edges can never be inside them at once), unless
//     gated_cycles asks for those too; or
//   - it is read-read: every edge is shared over shared, which no lock that lets readers share
//     can deadlock on, unless read_read_cycles asks for those (a writer-preferring lock can).
// When the cycle first found through an edge is not reportable, another cycle through the same
// edge may be: one that avoids the edges taken under each of its gates in turn, or one that
// avoids read-read edges. The graph's owner finds those (`another_cycle`).
//
// Cycles are sequences of the caller's edge handles; gates_of(e) is a sorted range of edge e's
// gates (any comparable type), read_read(e) whether e was only ever taken shared over shared.
#pragma once

#include <algorithm>
#include <iterator>
#include <vector>

namespace lockorder::report {

struct CycleRules {
  bool read_read_cycles = false;  // report cycles whose every edge is shared over shared
  bool gated_cycles = false;      // report cycles a common gate serializes
};

// The gates common to every edge of `cycle`, sorted.
template <class Edge, class GatesOf>
auto common_gates(const std::vector<Edge>& cycle, GatesOf gates_of) {
  using Gate = typename std::decay_t<decltype(gates_of(cycle.front()))>::value_type;
  std::vector<Gate> common;
  if (cycle.empty()) return common;
  const auto& first = gates_of(cycle.front());
  common.assign(first.begin(), first.end());
  for (std::size_t i = 1; i < cycle.size() && !common.empty(); ++i) {
    const auto& gates = gates_of(cycle[i]);
    std::vector<Gate> both;
    std::set_intersection(common.begin(), common.end(), gates.begin(), gates.end(),
                          std::back_inserter(both));
    common = std::move(both);
  }
  return common;
}

template <class Edge, class GatesOf, class ReadRead>
bool is_reportable(const std::vector<Edge>& cycle, GatesOf gates_of, ReadRead read_read,
                   const CycleRules& rules) {
  if (cycle.empty()) return false;
  if (!rules.read_read_cycles && std::all_of(cycle.begin(), cycle.end(), read_read)) return false;
  return rules.gated_cycles || common_gates(cycle, gates_of).empty();
}

// The cycle to report for `found` (a cycle through some edge): `found` itself if reportable,
// else the first reportable one of another_cycle(keep) — the shortest cycle through the same
// edge whose other edges e all have keep(e), or empty — avoiding each common gate of `found` in
// turn, then avoiding read-read edges; empty when there is none.
template <class Edge, class GatesOf, class ReadRead, class AnotherCycle>
std::vector<Edge> reportable_cycle(std::vector<Edge> found, GatesOf gates_of, ReadRead read_read,
                                   const CycleRules& rules, AnotherCycle another_cycle) {
  if (is_reportable(found, gates_of, read_read, rules)) return found;
  if (found.empty()) return {};
  if (!rules.gated_cycles)
    for (const auto& gate : common_gates(found, gates_of)) {
      std::vector<Edge> other = another_cycle([&](const Edge& e) {
        const auto& gates = gates_of(e);
        return !std::binary_search(gates.begin(), gates.end(), gate);
      });
      if (is_reportable(other, gates_of, read_read, rules)) return other;
    }
  if (!rules.read_read_cycles) {
    std::vector<Edge> other = another_cycle([&](const Edge& e) { return !read_read(e); });
    if (is_reportable(other, gates_of, read_read, rules)) return other;
  }
  return {};
}

}  // namespace lockorder::report
