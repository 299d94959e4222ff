#include "findings.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/hawick_circuits.hpp>
#include <map>
#include <set>

namespace lockorder::analyzer {
namespace {

// An edge of the static graph: all occurrences of "to acquired while from held", by class.
struct ClassEdge {
  std::size_t from = 0, to = 0;  // node indices
  std::vector<const EdgeOccurrence*> occurrences;
  std::set<std::string> gates;  // held around every occurrence
  bool all_shared = true;       // every occurrence is shared -> shared
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

report::Stack stack_of(const Path& path) {
  report::Stack stack;
  for (auto it = path.rbegin(); it != path.rend(); ++it) stack.push_back(**it);
  return stack;
}

class StaticGraph {
 public:
  StaticGraph(const ProgramFacts& facts, const FindingOptions& options) : options_(options) {
    for (const EdgeOccurrence& e : facts.edges) {
      if (e.suppressed) continue;
      const std::string from = e.from.lock_class(), to = e.to.lock_class();
      if (from.empty() || to.empty() || from == to) continue;
      const std::size_t f = node(from), t = node(to);
      auto [it, inserted] = index_.try_emplace({f, t}, edges_.size());
      if (inserted) {
        edges_.push_back({f, t, {}, {e.gates.begin(), e.gates.end()}, true});
      } else {
        ClassEdge& edge = edges_[it->second];
        std::set<std::string> both;
        std::set<std::string> mine(e.gates.begin(), e.gates.end());
        std::set_intersection(edge.gates.begin(), edge.gates.end(), mine.begin(), mine.end(),
                              std::inserter(both, both.end()));
        edge.gates = std::move(both);
      }
      ClassEdge& edge = edges_[it->second];
      edge.occurrences.push_back(&e);
      edge.all_shared = edge.all_shared && e.from_mode == Mode::shared && e.to_mode == Mode::shared;
    }
  }

  void find_cycles(Findings& out) {
    Graph g(names_.size());
    for (const ClassEdge& e : edges_) boost::add_edge(e.from, e.to, g);
    struct Stop {};
    struct Visitor {
      StaticGraph* self;
      Findings* out;
      std::size_t* found;
      void cycle(const std::vector<Graph::vertex_descriptor>& path, const Graph&) {
        if (*found == self->options_.max_cycles) throw Stop{};
        self->consider(path, *out);
        ++*found;
      }
    };
    std::size_t found = 0;
    try {
      boost::hawick_unique_circuits(g, Visitor{this, &out, &found});
    } catch (const Stop&) {
      out.notes.push_back("stopped after " + std::to_string(options_.max_cycles) +
                          " cycles; fix these first or raise --max-cycles");
    }
  }

  void picture(Findings& out) const {
    for (const std::string& name : names_) out.graph.nodes.push_back({name, false});
    for (const ClassEdge& e : edges_) out.graph.arcs.push_back({e.from, e.to, false, false});
    for (const report::Report& r : out.reports) {
      if (r.cycle.empty()) continue;
      for (std::size_t i = 0; i < r.cycle.size(); ++i) {
        const std::size_t f = node_of(r.locks[r.cycle[i]].label);
        const std::size_t t = node_of(r.locks[r.cycle[(i + 1) % r.cycle.size()]].label);
        out.graph.nodes[f].in_cycle = true;
        out.graph.arcs[index_.at({f, t})].in_cycle = true;
      }
    }
    for (std::size_t i = 0; i < edges_.size(); ++i)
      if (suppressed_arcs_.count(i)) out.graph.arcs[i].suppressed = true;
  }

  // A declared order holds transitively: with a before b and b before c, taking a while c is
  // held breaks it too. Each pair is checked against the graph's edges once.
  void find_hierarchy_violations(const ProgramFacts& facts, Findings& out) const {
    std::map<std::string, std::vector<const DeclaredOrder*>> declared_after;  // before -> orders
    for (const DeclaredOrder& order : facts.orders) declared_after[order.before].push_back(&order);
    for (const auto& [first, direct] : declared_after) {
      // Everything declared to come after `first`, with the declarations that say so.
      std::map<std::string, std::vector<const DeclaredOrder*>> chain_to;
      std::vector<std::string> work{first};
      chain_to[first] = {};
      while (!work.empty()) {
        const std::string at = work.back();
        work.pop_back();
        auto next = declared_after.find(at);
        if (next == declared_after.end()) continue;
        for (const DeclaredOrder* order : next->second) {
          if (chain_to.count(order->after)) continue;
          chain_to[order->after] = chain_to[at];
          chain_to[order->after].push_back(order);
          work.push_back(order->after);
        }
      }
      for (const auto& [later, chain] : chain_to) {
        if (chain.empty()) continue;
        auto from = names_index_.find(later), to = names_index_.find(first);
        if (from == names_index_.end() || to == names_index_.end()) continue;
        auto it = index_.find({from->second, to->second});
        if (it == index_.end()) continue;
        report::Report r;
        r.kind = report::kLockHierarchy;
        r.summary = quoted(first) + " is declared to be acquired before " + quoted(later) +
                    ", but is acquired while it is held";
        r.locks = {lock(later), lock(first)};
        add_edges(r, edges_[it->second], 0, 1);
        for (const DeclaredOrder* order : chain)
          r.sites.push_back({"declared to be acquired before " + quoted(order->after) + " here",
                             order->before,
                             "",
                             {order->declared},
                             ""});
        r.hint = "take " + quoted(first) + " first, or correct the declared order";
        out.reports.push_back(std::move(r));
      }
    }
  }

 private:
  std::size_t node(const std::string& name) {
    auto [it, inserted] = names_index_.try_emplace(name, names_.size());
    if (inserted) names_.push_back(name);
    return it->second;
  }
  std::size_t node_of(const std::string& name) const { return names_index_.at(name); }

  static report::Lock lock(const std::string& name) {
    report::Lock l;
    l.label = name;
    l.lock_class = name;
    return l;
  }

  void add_edges(report::Report& r, const ClassEdge& edge, std::size_t from, std::size_t to) const {
    for (const EdgeOccurrence* e : edge.occurrences) {
      report::Edge out;
      out.from = from;
      out.to = to;
      out.thread = e->function;
      out.from_site = stack_of(e->from_path);
      out.to_site = stack_of(e->to_path);
      r.edges.push_back(std::move(out));
    }
  }

  void consider(const std::vector<Graph::vertex_descriptor>& path, Findings& out) {
    std::vector<std::size_t> cycle_edges;
    std::set<std::string> common;
    bool all_shared = true;
    for (std::size_t i = 0; i < path.size(); ++i) {
      const std::size_t e = index_.at({path[i], path[(i + 1) % path.size()]});
      const ClassEdge& edge = edges_[e];
      if (i == 0) {
        common = edge.gates;
      } else {
        std::set<std::string> both;
        std::set_intersection(common.begin(), common.end(), edge.gates.begin(), edge.gates.end(),
                              std::inserter(both, both.end()));
        common = std::move(both);
      }
      all_shared = all_shared && edge.all_shared;
      cycle_edges.push_back(e);
    }
    if (!common.empty() || (all_shared && !options_.read_read_cycles)) {
      suppressed_arcs_.insert(cycle_edges.back());
      return;
    }
    // Start the cycle at its smallest name, so that output does not depend on search order.
    std::size_t start = 0;
    for (std::size_t i = 1; i < path.size(); ++i)
      if (names_[path[i]] < names_[path[start]]) start = i;
    report::Report r;
    r.kind = report::kLockOrderCycle;
    std::string chain;
    for (std::size_t k = 0; k < path.size(); ++k) {
      const std::size_t i = (start + k) % path.size();
      r.locks.push_back(lock(names_[path[i]]));
      r.cycle.push_back(k);
      chain += quoted(names_[path[i]]) + " -> ";
    }
    chain += quoted(names_[path[start]]);
    r.summary = "lock-order cycle: " + chain + " (potential deadlock)";
    for (std::size_t k = 0; k < path.size(); ++k)
      add_edges(r, edges_[cycle_edges[(start + k) % path.size()]], k, (k + 1) % path.size());
    r.hint =
        "take these locks in one order everywhere (or together, with std::scoped_lock); "
        "to accept an acquisition, put `// lockorder: ignore` on its line";
    out.reports.push_back(std::move(r));
  }

  const FindingOptions& options_;
  std::vector<std::string> names_;
  std::map<std::string, std::size_t> names_index_;
  std::vector<ClassEdge> edges_;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> index_;
  std::set<std::size_t> suppressed_arcs_;
};

void find_double_locks(const ProgramFacts& facts, Findings& out) {
  std::set<std::string> seen;
  for (const DoubleLockOccurrence& d : facts.double_locks) {
    if (d.suppressed || d.second_path.empty()) continue;
    // The same re-acquisition reached through several callers is one finding.
    const Site& again = *d.second_path.front();
    if (!seen.insert(d.lock.lock_class() + "@" + again.file + ":" + std::to_string(again.line) +
                     ":" + std::to_string(again.column))
             .second)
      continue;
    report::Report r;
    r.kind = report::kDoubleLock;
    const std::string name = d.lock.spelling.empty() ? d.lock.lock_class() : d.lock.spelling;
    r.summary = quoted(name) + " acquired while already held (self-deadlock)";
    report::Lock l;
    l.label = name;
    l.lock_class = d.lock.lock_class();
    r.locks.push_back(l);
    r.sites.push_back({"acquired again here", "", d.function, stack_of(d.second_path), ""});
    r.sites.push_back({"first acquired here", "", d.function, stack_of(d.first_path), ""});
    r.hint = "release it before taking it again, or use a recursive mutex";
    out.reports.push_back(std::move(r));
  }
}

}  // namespace

Findings find_problems(const ProgramFacts& facts, const FindingOptions& options) {
  Findings out;
  out.notes = facts.notes;
  StaticGraph graph(facts, options);
  graph.find_cycles(out);
  find_double_locks(facts, out);
  graph.find_hierarchy_violations(facts, out);
  graph.picture(out);
  return out;
}

const report::Frame* primary_frame(const report::Report& r) {
  if (!r.edges.empty() && !r.edges.front().to_site.empty()) return &r.edges.front().to_site.back();
  if (!r.sites.empty() && !r.sites.front().stack.empty()) return &r.sites.front().stack.back();
  return nullptr;
}

}  // namespace lockorder::analyzer
