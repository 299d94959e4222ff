#include "lockorder/report/graph_merge.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <functional>
#include <iterator>
#include <optional>

namespace lockorder::report {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    boost::property<boost::edge_index_t, std::size_t>>;
using GraphEdge = Graph::edge_descriptor;

Graph to_boost(const MergedGraph& merged) {
  Graph g(merged.locks().size());
  for (std::size_t i = 0; i < merged.edges().size(); ++i)
    boost::add_edge(merged.edges()[i].from, merged.edges()[i].to, i, g);
  return g;
}

// Records, for each vertex the search reaches, the edge it was reached by.
class ReachedBy : public boost::default_bfs_visitor {
 public:
  explicit ReachedBy(std::vector<std::optional<std::size_t>>& via) : via_(&via) {}
  template <class Edge, class G>
  void tree_edge(Edge e, const G& g) const {
    (*via_)[boost::target(e, g)] = boost::get(boost::edge_index, g, e);
  }

 private:
  std::vector<std::optional<std::size_t>>* via_;
};

// The shortest path of edges from `from` to `to` using only edges with keep(edge), or empty.
std::vector<std::size_t> shortest_path(const MergedGraph& merged, const Graph& g, std::size_t from,
                                       std::size_t to,
                                       const std::function<bool(std::size_t)>& keep) {
  std::function<bool(GraphEdge)> usable = [&](GraphEdge e) {
    return keep(boost::get(boost::edge_index, g, e));
  };
  boost::filtered_graph<Graph, std::function<bool(GraphEdge)>> filtered(g, usable);
  std::vector<std::optional<std::size_t>> via(boost::num_vertices(g));
  boost::breadth_first_search(filtered, from, boost::visitor(ReachedBy(via)));
  std::vector<std::size_t> path;
  for (std::size_t at = to; at != from;) {
    if (!via[at]) return {};
    path.push_back(*via[at]);
    at = merged.edges()[*via[at]].from;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

const std::string& first_mode(const MergedGraph::Edge& edge) {
  static const std::string exclusive = "exclusive>exclusive";
  return edge.modes.empty() ? exclusive : *edge.modes.begin();
}

Report cycle_report(const MergedGraph& merged, const std::vector<std::size_t>& cycle) {
  Report report;
  report.kind = kLockOrderInversion;
  std::set<std::string> processes;
  const std::size_t n = cycle.size();
  for (std::size_t i = 0; i < n; ++i) {
    const MergedGraph::Edge& e = merged.edges()[cycle[i]];
    report.locks.push_back(merged.locks()[e.from].lock);
    report.cycle.push_back(i);
    const MergedGraph::Sighting& seen = e.seen.front();
    const std::string& process = merged.process_names()[seen.process];
    processes.insert(process);
    Edge edge;
    edge.from = i;
    edge.to = (i + 1) % n;
    edge.thread = seen.thread + " in " + process;
    const std::string& modes = first_mode(e);
    const std::size_t arrow = modes.find('>');
    edge.from_mode = modes.substr(0, arrow);
    edge.to_mode = arrow == std::string::npos ? modes : modes.substr(arrow + 1);
    edge.from_site = merged.stack(e.from_site);
    edge.to_site = merged.stack(e.to_site);
    if (e.seen.size() > 1)
      edge.note = "also taken in " + std::to_string(e.seen.size() - 1) + " other process" +
                  (e.seen.size() > 2 ? "es" : "");
    report.edges.push_back(std::move(edge));
  }
  report.summary = "potential deadlock: " + std::to_string(n) + " locks in a cycle";
  if (processes.size() > 1)
    report.summary += ", its edges seen in " + std::to_string(processes.size()) + " processes";
  report.hint = processes.size() > 1
                    ? "No single process took every edge of this cycle, but a program that runs "
                      "these paths together can deadlock. Take these locks in one consistent "
                      "order everywhere, or release the held lock before taking the other."
                    : "Take these locks in one consistent order everywhere, or release the held "
                      "lock before taking the other.";
  return report;
}

}  // namespace

std::vector<MergedCycle> merged_cycles(const MergedGraph& merged, const CycleRules& rules) {
  const Graph g = to_boost(merged);
  auto gates_of = [&](std::size_t e) -> const std::vector<std::size_t>& {
    return merged.edges()[e].gates;
  };
  auto read_read = [&](std::size_t e) {
    const std::set<std::string>& modes = merged.edges()[e].modes;
    return !modes.empty() && std::all_of(modes.begin(), modes.end(),
                                         [](const std::string& m) { return m == "shared>shared"; });
  };
  // Only an edge inside a strongly connected component closes a cycle, and the cycle stays in
  // that component: each search is confined to it (a large acyclic graph costs one pass).
  std::vector<std::size_t> component(boost::num_vertices(g));
  boost::strong_components(
      g, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g)));
  auto same_component = [&](std::size_t e) {
    return component[merged.edges()[e].from] == component[merged.edges()[e].to];
  };
  std::set<std::vector<std::size_t>> reported;
  std::vector<MergedCycle> reports;
  for (std::size_t e = 0; e < merged.edges().size(); ++e) {
    if (!same_component(e)) continue;
    const MergedGraph::Edge& closing = merged.edges()[e];
    // The shortest cycle through e that uses only edges keep() allows.
    auto cycle_through = [&](const std::function<bool(std::size_t)>& keep) {
      std::vector<std::size_t> path = shortest_path(
          merged, g, closing.to, closing.from,
          [&](std::size_t other) { return other != e && same_component(other) && keep(other); });
      if (path.empty()) return path;
      path.insert(path.begin(), e);
      return path;
    };
    std::vector<std::size_t> found = cycle_through([](std::size_t) { return true; });
    if (found.empty()) continue;
    std::vector<std::size_t> cycle =
        reportable_cycle(std::move(found), gates_of, read_read, rules, cycle_through);
    if (cycle.empty()) continue;
    std::vector<std::size_t> key = cycle;
    std::sort(key.begin(), key.end());
    if (!reported.insert(key).second) continue;
    // Told from its lock with the least identity, whichever file came first.
    std::rotate(cycle.begin(),
                std::min_element(cycle.begin(), cycle.end(),
                                 [&](std::size_t a, std::size_t b) {
                                   return merged.locks()[merged.edges()[a].from].id <
                                          merged.locks()[merged.edges()[b].from].id;
                                 }),
                cycle.end());
    Report report = cycle_report(merged, cycle);
    reports.push_back({std::move(cycle), std::move(report)});
  }
  return reports;
}

GraphPicture merged_picture(const MergedGraph& merged, const std::vector<MergedCycle>& cycles) {
  GraphPicture picture;
  for (const GraphFile::Lock& lock : merged.locks()) picture.nodes.push_back({lock.lock.label});
  for (const MergedGraph::Edge& e : merged.edges()) picture.arcs.push_back({e.from, e.to});
  for (const MergedCycle& cycle : cycles)
    for (std::size_t e : cycle.edges) {
      GraphPicture::Arc& arc = picture.arcs[e];
      arc.in_cycle = picture.nodes[arc.from].in_cycle = picture.nodes[arc.to].in_cycle = true;
    }
  return picture;
}

std::string site_key(const Stack& stack) {
  const Frame* frame = user_frame(stack);
  if (frame == nullptr || frame->file.empty()) return {};
  const std::size_t slash = frame->file.rfind('/');
  return (slash == std::string::npos ? frame->file : frame->file.substr(slash + 1)) + ":" +
         std::to_string(frame->line);
}

std::string process_name(const GraphFile::Process& process) {
  std::string name = process.program;
  if (!process.label.empty()) name += " [" + process.label + "]";
  return name + " (pid " + std::to_string(process.pid) + ")";
}

std::size_t MergedGraph::lock_index(const GraphFile::Lock& lock) {
  auto [it, inserted] = lock_by_id_.emplace(lock.id, locks_.size());
  if (inserted) {
    locks_.push_back(lock);
    // One process's address means nothing in the merge: a variable is named by itself.
    if (!lock.lock.variable.empty()) locks_.back().lock.label = lock.lock.variable;
  }
  return it->second;
}

std::size_t MergedGraph::process_index(const std::string& name) {
  auto [it, inserted] = process_by_name_.emplace(name, process_names_.size());
  if (inserted) process_names_.push_back(name);
  return it->second;
}

GraphFile MergedGraph::as_graph_file(const std::string& label) const {
  GraphFile out;
  out.process = {"lockorder-report", 0, label, kOriginRuntime};
  out.locks = locks_;
  for (const Edge& e : edges_) {
    GraphFile::Edge edge;
    edge.from = e.from;
    edge.to = e.to;
    edge.modes.assign(e.modes.begin(), e.modes.end());
    edge.gates = e.gates;
    edge.thread = e.seen.front().thread;
    edge.process = process_names_[e.seen.front().process];
    edge.from_site = stack(e.from_site);
    edge.to_site = stack(e.to_site);
    out.edges.push_back(std::move(edge));
  }
  return out;
}

std::vector<std::uint32_t> MergedGraph::intern(const Stack& stack) {
  std::vector<std::uint32_t> out;
  out.reserve(stack.size());
  for (const Frame& f : stack) {
    std::string key = f.function + '\0' + f.file + '\0' + std::to_string(f.line) + '\0' +
                      std::to_string(f.column) + '\0' + f.module;
    auto [it, inserted] =
        frame_index_.emplace(std::move(key), static_cast<std::uint32_t>(frames_.size()));
    if (inserted) frames_.push_back(f);
    out.push_back(it->second);
  }
  return out;
}

Stack MergedGraph::stack(const std::vector<std::uint32_t>& frames) const {
  Stack out;
  for (std::uint32_t i : frames) out.push_back(frames_[i]);
  return out;
}

void MergedGraph::add(const GraphFile& graph) {
  ++graphs_;
  std::optional<std::size_t> file_process;  // indexed when an edge is the file's own
  std::vector<std::size_t> index;
  for (const GraphFile::Lock& lock : graph.locks) index.push_back(lock_index(lock));
  for (const GraphFile::Edge& e : graph.edges) {
    const std::size_t from = index[e.from], to = index[e.to];
    if (from == to) {
      ++same_identity_edges_;
      continue;
    }
    std::vector<std::size_t> gates;
    for (std::size_t gate : e.gates) gates.push_back(index[gate]);
    std::sort(gates.begin(), gates.end());
    gates.erase(std::unique(gates.begin(), gates.end()), gates.end());
    auto [it, inserted] = edge_by_locks_.emplace(std::pair{from, to}, edges_.size());
    if (inserted) {
      edges_.push_back(
          Edge{from, to, {}, std::move(gates), {}, intern(e.from_site), intern(e.to_site), {}});
    } else {
      std::vector<std::size_t>& common = edges_[it->second].gates;
      std::vector<std::size_t> both;
      std::set_intersection(common.begin(), common.end(), gates.begin(), gates.end(),
                            std::back_inserter(both));
      common = std::move(both);
    }
    Edge& edge = edges_[it->second];
    edge.modes.insert(e.modes.begin(), e.modes.end());
    edge.site_keys.emplace(site_key(e.from_site), site_key(e.to_site));
    if (e.process.empty() && !file_process)
      file_process = process_index(process_name(graph.process));
    const std::size_t process = e.process.empty() ? *file_process : process_index(e.process);
    if (std::none_of(edge.seen.begin(), edge.seen.end(),
                     [&](const Sighting& s) { return s.process == process; }))
      edge.seen.push_back({process, e.thread});
  }
}

namespace {

// The edges of `to` that took their locks where `edge` of `from` did.
std::vector<std::size_t> same_acquisitions(
    const MergedGraph::Edge& edge,
    const std::map<std::pair<std::string, std::string>, std::vector<std::size_t>>& index) {
  std::vector<std::size_t> found;
  for (const auto& key : edge.site_keys) {
    if (key.first.empty() || key.second.empty()) continue;
    if (auto it = index.find(key); it != index.end())
      found.insert(found.end(), it->second.begin(), it->second.end());
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> by_site(
    const MergedGraph& graph) {
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> index;
  for (std::size_t e = 0; e < graph.edges().size(); ++e)
    for (const auto& key : graph.edges()[e].site_keys) index[key].push_back(e);
  return index;
}

// The base name of a site key's file ("accounts.h:15" -> "accounts.h").
std::string key_file(const std::string& key) { return key.substr(0, key.rfind(':')); }

}  // namespace

std::vector<Report> combine_static_and_runtime(const MergedGraph& runtime,
                                               const std::vector<MergedCycle>& runtime_cycles,
                                               const MergedGraph& statics,
                                               const std::vector<MergedCycle>& static_cycles) {
  const auto runtime_sites = by_site(runtime), static_sites = by_site(statics);
  std::vector<Report> out;
  std::set<std::vector<std::size_t>> confirmed_static;  // sorted static edges of each
  for (const MergedCycle& cycle : static_cycles) {
    Report report = cycle.report;
    bool confirmed = true;
    for (std::size_t i = 0; i < cycle.edges.size(); ++i) {
      const std::vector<std::size_t> taken =
          same_acquisitions(statics.edges()[cycle.edges[i]], runtime_sites);
      Edge& edge = report.edges[i];
      edge.note = "in " + statics.edges()[cycle.edges[i]].seen.front().thread + "; ";
      edge.thread.clear();  // a static edge has a function, not a thread
      if (taken.empty()) {
        confirmed = false;
        edge.note += "not taken at run time";
      } else {
        const MergedGraph::Edge& seen = runtime.edges()[taken.front()];
        edge.note += "taken at run time by " + seen.seen.front().thread + " in " +
                     runtime.process_names()[seen.seen.front().process];
      }
    }
    report.summary = "potential deadlock: " + std::to_string(cycle.edges.size()) +
                     " locks in a cycle, found in the source" +
                     (confirmed ? " and confirmed: every edge was also taken at run time"
                                : "; not every edge was taken at run time");
    report.tags = {confirmed ? "confirmed" : "static-only"};
    if (confirmed) {
      std::vector<std::size_t> key = cycle.edges;
      std::sort(key.begin(), key.end());
      confirmed_static.insert(std::move(key));
    }
    out.push_back(std::move(report));
  }
  for (const MergedCycle& cycle : runtime_cycles) {
    std::vector<std::size_t> matched;  // one static edge for each of its edges, when all have one
    bool all = true;
    for (std::size_t e : cycle.edges) {
      const std::vector<std::size_t> same = same_acquisitions(runtime.edges()[e], static_sites);
      if (same.empty()) {
        all = false;
        break;
      }
      matched.push_back(same.front());
    }
    std::sort(matched.begin(), matched.end());
    if (all && confirmed_static.count(matched)) continue;  // reported above, as confirmed
    Report report = cycle.report;
    report.summary += all ? "; lockorder-check has each of its edges"
                          : "; seen at run time only: lockorder-check did not find it";
    report.tags = {all ? "confirmed" : "runtime-only"};
    out.push_back(std::move(report));
  }
  // Gaps: runtime edges in files the static checker analysed that it did not see.
  std::set<std::string> analysed;
  for (const auto& [key, edges] : static_sites) {
    if (!key.first.empty()) analysed.insert(key_file(key.first));
    if (!key.second.empty()) analysed.insert(key_file(key.second));
  }
  for (std::size_t e = 0; e < runtime.edges().size(); ++e) {
    const MergedGraph::Edge& edge = runtime.edges()[e];
    if (!same_acquisitions(edge, static_sites).empty()) continue;
    const std::string to_key = site_key(runtime.stack(edge.to_site));
    if (to_key.empty() || !analysed.count(key_file(to_key))) continue;
    Report gap;
    gap.kind = kStaticGap;
    gap.locks = {runtime.locks()[edge.from].lock, runtime.locks()[edge.to].lock};
    Edge taken;
    taken.from = 0;
    taken.to = 1;
    taken.thread =
        edge.seen.front().thread + " in " + runtime.process_names()[edge.seen.front().process];
    taken.from_site = runtime.stack(edge.from_site);
    taken.to_site = runtime.stack(edge.to_site);
    gap.edges = {std::move(taken)};
    gap.summary = "an edge lockorder-check did not see: " + gap.locks[1].label +
                  " acquired while holding " + gap.locks[0].label;
    gap.hint =
        "The static checker could not follow the call that took it (a callback, a "
        "function pointer, a virtual call?): its findings may miss cycles through it.";
    gap.tags = {"static-gap"};
    out.push_back(std::move(gap));
  }
  return out;
}

}  // namespace lockorder::report
