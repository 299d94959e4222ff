#include "findings.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/hawick_circuits.hpp>
#include <boost/graph/strong_components.hpp>
#include <map>
#include <set>

#include "lockorder/report/reportable_cycle.h"

namespace lockorder::analyzer {
namespace {

// How many of a group's "fix these" edges, and of its cycles, its finding lists.
constexpr std::size_t kListedEdges = 6;
constexpr std::size_t kListedCycles = 12;

// An edge of the static graph: all occurrences of "to acquired while from held", by class.
struct ClassEdge {
  std::size_t from = 0, to = 0;  // node indices
  std::vector<const EdgeOccurrence*> occurrences;
  std::set<std::string> gates;  // held around every occurrence
  bool all_shared = true;       // every occurrence is shared -> shared
  bool certain = false;         // some occurrence holds `from` on every path
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

report::Stack stack_of(const Path& path) {
  report::Stack stack;
  for (auto it = path.rbegin(); it != path.rend(); ++it) stack.push_back(**it);
  return stack;
}

// A source position as a key, for reporting one finding per place.
std::string position_key(const Site& site) {
  return site.file + ":" + std::to_string(site.line) + ":" + std::to_string(site.column);
}

// A lock named by one finding: as written where it was taken, else by its class.
report::Lock lock_of(const LockRef& ref) {
  report::Lock l;
  l.label = ref.spelling.empty() ? ref.lock_class() : ref.spelling;
  l.lock_class = ref.lock_class();
  return l;
}

class StaticGraph {
 public:
  StaticGraph(const ProgramFacts& facts, const FindingOptions& options) : options_(options) {
    for (const EdgeOccurrence& e : facts.edges) {
      if (e.suppressed || e.from.view || e.to.view) continue;
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
      edge.certain = edge.certain || !e.from_maybe;
    }
  }

  // One finding per strongly connected component (every cycle lies inside one), made of the
  // distinct shortest cycles through each of its edges: the locks of a component are one
  // decision (which order they are to be taken in), not one per inverted pair, let alone per
  // elementary cycle. The finding says how many cycles the component has and which edges,
  // fixed, break them all.
  void find_cycles(Findings& out) {
    Graph g(names_.size());
    for (const ClassEdge& e : edges_) boost::add_edge(e.from, e.to, g);
    component_.assign(names_.size(), 0);
    const int components = boost::strong_components(
        g, boost::make_iterator_property_map(component_.begin(), get(boost::vertex_index, g)));
    std::vector<std::vector<std::size_t>> edges_of(static_cast<std::size_t>(components));
    for (std::size_t i = 0; i < edges_.size(); ++i)
      if (component_[edges_[i].from] == component_[edges_[i].to])
        edges_of[static_cast<std::size_t>(component_[edges_[i].from])].push_back(i);
    for (const std::vector<std::size_t>& members : edges_of) {
      if (members.empty()) continue;
      std::set<std::vector<std::size_t>> seen;
      std::vector<std::vector<std::size_t>> cycles;
      for (std::size_t e : members) {
        std::vector<std::size_t> cycle = shortest_reportable_cycle(e);
        if (cycle.empty()) {
          suppressed_arcs_.insert(e);
          continue;
        }
        std::vector<std::size_t> key = cycle;
        std::sort(key.begin(), key.end());
        if (seen.insert(std::move(key)).second) cycles.push_back(std::move(cycle));
      }
      if (cycles.empty()) continue;
      report_component(cycles, component_note(members, cycles), out);
    }
  }

  void graph_file(Findings& out) const {
    report::GraphFile& file = out.graph_file;
    file.process = {"lockorder-check", 0, "", report::kOriginStatic};
    for (const std::string& name : names_) {
      report::Lock lock = StaticGraph::lock(name);
      file.locks.push_back({"static:" + name, lock});
    }
    for (const ClassEdge& e : edges_) {
      std::vector<std::size_t> gates;
      for (const std::string& gate : e.gates)
        if (auto it = names_index_.find(gate); it != names_index_.end())
          gates.push_back(it->second);
      for (const EdgeOccurrence* occurrence : e.occurrences) {
        report::GraphFile::Edge edge;
        edge.from = e.from;
        edge.to = e.to;
        edge.modes = {std::string(occurrence->from_mode == Mode::shared ? "shared" : "exclusive") +
                      ">" + (occurrence->to_mode == Mode::shared ? "shared" : "exclusive")};
        edge.gates = gates;
        edge.thread = occurrence->function;
        edge.from_site = stack_of(occurrence->from_path);
        edge.to_site = stack_of(occurrence->to_path);
        file.edges.push_back(std::move(edge));
      }
    }
  }

  void picture(Findings& out) const {
    for (const std::string& name : names_) out.graph.nodes.push_back({name, false});
    for (const ClassEdge& e : edges_) out.graph.arcs.push_back({e.from, e.to, false, false});
    for (const report::Report& r : out.reports) {
      if (r.kind != report::kLockOrderInversion) continue;
      for (const report::Edge& e : r.edges) {  // every edge of a finding is on one of its cycles
        const std::size_t f = node_of(r.locks[e.from].label);
        const std::size_t t = node_of(r.locks[e.to].label);
        out.graph.nodes[f].in_cycle = out.graph.nodes[t].in_cycle = true;
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
      if (e->from_maybe) out.note = "held on some paths only";
      r.edges.push_back(std::move(out));
    }
  }

  // The edges of a shortest path from -> ... -> to inside from's component, using the edges
  // `usable` accepts; empty when there is none (or from == to).
  template <class Usable>
  std::vector<std::size_t> shortest_path(std::size_t from, std::size_t to, Usable usable) const {
    if (from == to) return {};
    std::map<std::size_t, std::size_t> reached_by;  // node -> edge
    std::vector<std::size_t> queue{from};
    reached_by[from] = edges_.size();
    for (std::size_t i = 0; i < queue.size(); ++i) {
      for (std::size_t e : out_edges_of(queue[i])) {
        const std::size_t next = edges_[e].to;
        if (component_[next] != component_[from] || reached_by.count(next) || !usable(e)) continue;
        reached_by[next] = e;
        if (next == to) {
          std::vector<std::size_t> path;
          for (std::size_t n = to; n != from; n = edges_[reached_by[n]].from)
            path.push_back(reached_by[n]);
          std::reverse(path.begin(), path.end());
          return path;
        }
        queue.push_back(next);
      }
    }
    return {};
  }

  std::vector<std::size_t> out_edges_of(std::size_t node) const {
    std::vector<std::size_t> out;
    for (auto it = index_.lower_bound({node, 0}); it != index_.end() && it->first.first == node;
         ++it)
      out.push_back(it->second);
    return out;
  }

  // The shortest cycle through edge e that is a deadlock (report::reportable_cycle: not
  // serialized by a common gate, not read-read unless asked), in edge order starting at e; empty
  // when there is none.
  std::vector<std::size_t> shortest_reportable_cycle(std::size_t e) const {
    const ClassEdge& edge = edges_[e];
    auto cycle_through_e = [&](auto keep) {
      std::vector<std::size_t> path =
          shortest_path(edge.to, edge.from, [&](std::size_t x) { return keep(x); });
      path.insert(path.begin(), e);
      if (path.size() < 2) path.clear();
      return path;
    };
    return report::reportable_cycle(
        cycle_through_e([](std::size_t) { return true; }),
        [this](std::size_t x) -> const auto& { return edges_[x].gates; },
        [this](std::size_t x) { return edges_[x].all_shared; },
        report::CycleRules{.read_read_cycles = options_.read_read_cycles}, cycle_through_e);
  }

  std::string edge_text(std::size_t e) const {
    const ClassEdge& edge = edges_[e];
    return quoted(names_[edge.from]) + " -> " + quoted(names_[edge.to]) + " (in " +
           edge.occurrences.front()->function + ")";
  }

  // Whether the component's edges, less `removed`, still have a cycle.
  bool still_cyclic(const std::vector<std::size_t>& members,
                    const std::set<std::size_t>& removed) const {
    Graph g(names_.size());
    for (std::size_t e : members)
      if (!removed.count(e)) boost::add_edge(edges_[e].from, edges_[e].to, g);
    std::vector<int> component(names_.size());
    const int n = boost::strong_components(
        g, boost::make_iterator_property_map(component.begin(), get(boost::vertex_index, g)));
    return n != static_cast<int>(names_.size());
  }

  // What a finding says of its component: how many cycles it has in all, and the edges that,
  // fixed, break every one of them: each edge that alone does, else a small set that together
  // does (greedy: the edge on the most remaining shortest cycles first).
  std::string component_note(const std::vector<std::size_t>& members,
                             const std::vector<std::vector<std::size_t>>& cycles) const {
    std::set<std::size_t> nodes;
    for (std::size_t e : members) nodes.insert(edges_[e].from);
    const std::size_t count = count_cycles(members);
    std::string note;  // nothing to count when the cycle is its component's only one
    if (count > 1)
      note = "These " + std::to_string(nodes.size()) + " locks are in " +
             std::string(count >= options_.max_cycles ? "at least " : "") + std::to_string(count) +
             " cycles (" + std::to_string(cycles.size()) + " inverted pair" +
             (cycles.size() == 1 ? "" : "s") + "). ";
    std::vector<std::size_t> alone;
    for (std::size_t e : members)
      if (!still_cyclic(members, {e})) alone.push_back(e);
    if (!alone.empty()) {
      note += "Fix one of these and none is left:";
      for (std::size_t e : alone) note += " " + edge_text(e) + ";";
      note.pop_back();
      return note;
    }
    std::set<std::size_t> removed;
    std::vector<std::size_t> removed_order;
    std::vector<std::vector<std::size_t>> left = cycles;
    while (still_cyclic(members, removed)) {
      std::map<std::size_t, int> hits;
      for (const auto& cycle : left)
        for (std::size_t e : cycle) ++hits[e];
      std::size_t best = members.front();
      int most = -1;
      for (std::size_t e : members)
        if (!removed.count(e) && hits[e] > most) most = hits[e], best = e;
      removed.insert(best);
      removed_order.push_back(best);
      std::erase_if(
          left, [best](const auto& c) { return std::find(c.begin(), c.end(), best) != c.end(); });
    }
    // Greedy order: the edge on the most cycles first. Every finding of the component repeats
    // this note, so a long list is cut short.
    note +=
        "No single edge breaks them all; fixing these " + std::to_string(removed.size()) + " does:";
    for (std::size_t i = 0; i < removed.size() && i < kListedEdges; ++i)
      note += " " + edge_text(removed_order[i]) + ";";
    note.pop_back();
    if (removed.size() > kListedEdges)
      note += "; and " + std::to_string(removed.size() - kListedEdges) +
              " more (--dot draws the whole group)";
    return note;
  }

  // Elementary cycles of the component, counted up to max_cycles.
  std::size_t count_cycles(const std::vector<std::size_t>& members) const {
    Graph g(names_.size());
    for (std::size_t e : members) boost::add_edge(edges_[e].from, edges_[e].to, g);
    struct Stop {};
    struct Counter {
      std::size_t* count;
      std::size_t limit;
      void cycle(const std::vector<Graph::vertex_descriptor>&, const Graph&) {
        if (++*count >= limit) throw Stop{};
      }
    };
    std::size_t count = 0;
    try {
      boost::hawick_unique_circuits(g, Counter{&count, options_.max_cycles});
    } catch (const Stop&) {
    }
    return count;
  }

  // A cycle as text, from its smallest lock name (output does not depend on search order).
  std::string cycle_text(const std::vector<std::size_t>& cycle) const {
    const std::vector<std::size_t> nodes = rotated_nodes(cycle);
    std::string text;
    for (std::size_t n : nodes) text += quoted(names_[n]) + " -> ";
    return text + quoted(names_[nodes.front()]);
  }

  // The cycle's nodes in order, starting at its smallest name.
  std::vector<std::size_t> rotated_nodes(const std::vector<std::size_t>& cycle) const {
    std::vector<std::size_t> nodes;
    for (std::size_t e : cycle) nodes.push_back(edges_[e].from);
    auto smallest = std::min_element(nodes.begin(), nodes.end(),
                                     [this](auto a, auto b) { return names_[a] < names_[b]; });
    std::rotate(nodes.begin(), smallest, nodes.end());
    return nodes;
  }

  // The component's finding: its leading cycle first (the finding's message and location),
  // then the other cycles' locks and edges, each edge once with every acquisition path.
  void report_component(std::vector<std::vector<std::size_t>> cycles, const std::string& about,
                        Findings& out) const {
    // Certain cycles first (each edge seen with its outer lock held on every path), then
    // shorter ones: the finding leads with what is least likely an artefact of the analysis.
    auto certain = [this](const std::vector<std::size_t>& cycle) {
      return std::all_of(cycle.begin(), cycle.end(),
                         [this](std::size_t e) { return edges_[e].certain; });
    };
    std::stable_sort(cycles.begin(), cycles.end(), [&](const auto& a, const auto& b) {
      if (certain(a) != certain(b)) return certain(a);
      return a.size() != b.size() ? a.size() < b.size() : cycle_text(a) < cycle_text(b);
    });
    report::Report r;
    r.kind = report::kLockOrderInversion;
    std::map<std::size_t, std::size_t> lock_index;  // node -> index into r.locks
    auto add_lock = [&](std::size_t node) {
      auto [it, inserted] = lock_index.try_emplace(node, r.locks.size());
      if (inserted) r.locks.push_back(lock(names_[node]));
      return it->second;
    };
    for (std::size_t node : rotated_nodes(cycles.front())) r.cycle.push_back(add_lock(node));
    std::set<std::size_t> others;
    for (const auto& cycle : cycles)
      for (std::size_t e : cycle) others.insert(edges_[e].from);
    for (std::size_t node : others) add_lock(node);     // by index: the graph's first-seen order
    std::vector<std::size_t> primary = cycles.front();  // its edges from its first lock
    std::rotate(primary.begin(),
                std::find_if(primary.begin(), primary.end(),
                             [&](std::size_t e) {
                               return lock_index.at(edges_[e].from) == r.cycle.front();
                             }),
                primary.end());
    std::set<std::size_t> added;
    for (const auto& cycle : cycles)
      for (std::size_t e : &cycle == &cycles.front() ? primary : cycle)
        if (added.insert(e).second)
          add_edges(r, edges_[e], lock_index.at(edges_[e].from), lock_index.at(edges_[e].to));
    r.summary = "lock-order cycle: " + cycle_text(cycles.front());
    if (cycles.size() > 1)
      r.summary += ", and " + std::to_string(cycles.size() - 1) + " more among " +
                   std::to_string(r.locks.size()) + " locks";
    r.summary += " (potential deadlock)";
    r.hint =
        "take these locks in one order everywhere (or together, with std::scoped_lock); "
        "to accept an acquisition, put `// lockorder: ignore` on its line. " +
        about;
    if (cycles.size() > 1) {
      r.hint += " Its cycles, one per inverted pair:";
      for (std::size_t i = 0; i < cycles.size() && i < kListedCycles; ++i)
        r.hint += " " + cycle_text(cycles[i]) + ";";
      r.hint.pop_back();
      if (cycles.size() > kListedCycles)
        r.hint += "; and " + std::to_string(cycles.size() - kListedCycles) + " more";
      r.hint += ".";
    }
    out.reports.push_back(std::move(r));
  }

  const FindingOptions& options_;
  std::vector<std::string> names_;
  std::map<std::string, std::size_t> names_index_;
  std::vector<ClassEdge> edges_;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> index_;
  std::set<std::size_t> suppressed_arcs_;
  std::vector<int> component_;  // by node: its strongly connected component
};

// One finding per lock held (where it was first taken) and place that takes it again (the
// innermost acquisition): the same re-acquisition reached from many calls under one hold
// (memcached's stats lock around 83 APPEND_STATs, each of which may take it again) is one
// decision, its other calls counted.
void find_double_locks(const ProgramFacts& facts, Findings& out) {
  std::map<std::string, std::pair<std::size_t, std::set<std::string>>> found;  // key -> report,
                                                                               // its calls
  for (const DoubleLockOccurrence& d : facts.double_locks) {
    if (d.suppressed || d.second_path.empty() || d.lock.view) continue;
    const std::string key = d.lock.lock_class() + "@" +
                            (d.first_path.empty() ? "" : position_key(*d.first_path.front())) +
                            "->" + position_key(*d.second_path.back());
    if (auto it = found.find(key); it != found.end()) {
      it->second.second.insert(position_key(*d.second_path.front()));
      continue;
    }
    report::Report r;
    r.kind = report::kDoubleLock;
    r.locks.push_back(lock_of(d.lock));
    r.summary = quoted(r.locks[0].label) + " acquired while already held (self-deadlock)";
    r.sites.push_back({"acquired again here", "", d.function, stack_of(d.second_path), ""});
    r.sites.push_back({"first acquired here", "", d.function, stack_of(d.first_path), ""});
    r.hint = "release it before taking it again, or use a recursive mutex";
    found.emplace(key, std::pair{out.reports.size(),
                                 std::set<std::string>{position_key(*d.second_path.front())}});
    out.reports.push_back(std::move(r));
  }
  for (const auto& [key, at] : found)
    if (const std::size_t more = at.second.size() - 1; more > 0)
      out.reports[at.first].hint += " (" + std::to_string(more) + " more call" +
                                    (more == 1 ? "" : "s") +
                                    " under the same hold reach the same acquisition)";
}

// Two instances of one class taken together where nothing puts them in order: one finding per
// place the second is taken.
void find_instance_pairs(const ProgramFacts& facts, Findings& out) {
  std::set<std::string> seen;
  for (const InstancePairOccurrence& p : facts.instance_pairs) {
    if (p.suppressed || p.to_path.empty()) continue;
    const Site& at = *p.to_path.front();
    if (!seen.insert(p.to.lock_class() + "@" + position_key(at)).second) continue;
    report::Report r;
    r.kind = report::kInstanceOrder;
    r.locks = {lock_of(p.from), lock_of(p.to)};
    r.summary = "two " + quoted(p.to.lock_class()) +
                " locks taken together with no order: " + quoted(r.locks[1].label) + " while " +
                quoted(r.locks[0].label) +
                " is held (a deadlock when another thread takes them the other way)";
    report::Edge edge;
    edge.from = 0;
    edge.to = 1;
    edge.thread = p.function;
    edge.from_site = stack_of(p.from_path);
    edge.to_site = stack_of(p.to_path);
    r.edges.push_back(std::move(edge));
    r.hint =
        "take them in a canonical order (compare their addresses or ids) or together, with "
        "std::scoped_lock";
    out.reports.push_back(std::move(r));
  }
}

// Calls into unseen code under a lock: one finding per call into it (the innermost site, where
// the finding is reported) and lock, with one chain of calls that reaches it holding the lock.
void find_unknown_calls(const ProgramFacts& facts, Findings& out) {
  std::set<std::string> seen;
  for (const UnknownCallOccurrence& u : facts.unknown_calls) {
    if (u.suppressed || u.call_path.empty()) continue;
    const Site& at = *u.call_path.back();
    if (!seen.insert(u.held.lock_class() + "@" + position_key(at)).second) continue;
    report::Report r;
    r.kind = report::kCallbackUnderLock;
    r.locks.push_back(lock_of(u.held));
    r.summary = "call through '" + u.callee + "' while " + quoted(r.locks[0].label) +
                " is held: code the analysis cannot see runs under the lock";
    r.sites.push_back({"called here", u.callee, u.function, stack_of(u.call_path), ""});
    r.sites.push_back({"acquired here", "", u.function, stack_of(u.held_path), ""});
    r.hint =
        "release the lock before calling out, or make sure no target of the call takes a lock "
        "(a target the program shows is followed: this one matched no function of its "
        "signature)";
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
  find_instance_pairs(facts, out);
  find_unknown_calls(facts, out);
  graph.picture(out);
  graph.graph_file(out);
  return out;
}

const report::Frame* primary_frame(const report::Report& r) {
  // A call into unseen code is reported where it is made, however the lock holder got there.
  if (r.kind == report::kCallbackUnderLock && !r.sites.empty() && !r.sites.front().stack.empty())
    return &r.sites.front().stack.front();
  if (!r.edges.empty() && !r.edges.front().to_site.empty()) return &r.edges.front().to_site.back();
  if (!r.sites.empty() && !r.sites.front().stack.empty()) return &r.sites.front().stack.back();
  return nullptr;
}

}  // namespace lockorder::analyzer
