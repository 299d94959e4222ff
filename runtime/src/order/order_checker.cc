#include "order/order_checker.h"

#include <algorithm>

#include "lockorder/report/graph_file.h"
#include "lockorder/report/reportable_cycle.h"
#include "order/edge_sources.h"
#include "order/known_orders.h"
#include "process/settings.h"

namespace lockorder::internal {
namespace {

constexpr std::size_t kMaxGates = 4;

const char* mode_name(unsigned mode) { return mode ? "shared" : "exclusive"; }

std::string short_file(const char* file) {
  if (file == nullptr) return "?";
  std::string f = file;
  auto slash = f.rfind('/');
  return slash == std::string::npos ? f : f.substr(slash + 1);
}

}  // namespace

OrderChecker& order_checker() {
  static OrderChecker* checker = new OrderChecker;  // never destroyed: threads may outlive exit
  return *checker;
}

std::uint64_t OrderChecker::class_key(const char* lock_class, int rank) {
  auto guard = enter();
  auto [it, inserted] = class_keys_.emplace(std::pair{std::string(lock_class), rank}, 0);
  if (inserted) it->second = kClassKeyBit | (class_keys_.size());
  return it->second;
}

RawLock OrderChecker::describe(LockMeta& lock) {
  RawLock out;
  std::uint64_t id = lock.id.load(std::memory_order_relaxed);
  if (lock.lock_class != nullptr) {
    out.label = lock.lock_class;
    out.lock_class = lock.lock_class;
  } else if (lock.name != nullptr) {
    out.label = lock.name;
  } else {
    out.label = "M" + std::to_string(id);
  }
  out.kind = kind_name(lock.kind);
  if (lock.kind == LockKind::thread) return out;  // a thread's life: no creation site of its own
  out.file = lock.site.file_name();
  out.line = lock.site.line();
  out.function = lock.site.function_name();
  out.rank = lock.rank;
  out.created_stack = lock.created_stack;
  return out;
}

LockGraph::NodeId OrderChecker::node_for(LockMeta& lock) {
  if (const std::uint32_t own = lock.graph_node.load(std::memory_order_relaxed); own != 0)
    return own - 1;
  const std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
  const bool is_class = is_class_key(key);
  if (is_class)
    if (auto it = node_of_class_.find(key); it != node_of_class_.end()) return it->second;
  LockGraph::NodeId node = graph_.add_node();
  if (nodes_.size() <= node) nodes_.resize(node + 1);
  nodes_[node] = NodeInfo{key, describe(lock)};
  if (is_class)
    node_of_class_.emplace(key, node);
  else
    lock.graph_node.store(node + 1, std::memory_order_release);
  return node;
}

void OrderChecker::remember_thread(ThreadState& thread) {
  const std::string& label = thread.label();
  auto [it, inserted] = thread_labels_.try_emplace(thread.ordinal(), label);
  if (!inserted && it->second != label) it->second = label;
}

std::string OrderChecker::thread_label(std::uint32_t ordinal) const {
  auto it = thread_labels_.find(ordinal);
  return it == thread_labels_.end() ? "T" + std::to_string(ordinal) : it->second;
}

LockGraph::EdgeId OrderChecker::find_edge(LockMeta& from, LockMeta& to) {
  return graph_.find_edge(node_for(from), node_for(to));
}

std::optional<StackDepot::StackId> OrderChecker::stack_in_place(ThreadState& thread,
                                                                std::uintptr_t pc,
                                                                std::uintptr_t entry_cfa) {
  // The stack first seen at this site is this acquisition's stack if every return address is
  // still in place (many locks taken along one code path).
  for (std::uint32_t site : thread.site_stacks_any_caller(pc, entry_cfa))
    if (site != ThreadState::kNoStack &&
        stack_is_current(stacks_.get(site), entry_cfa, thread.stack_top()))
      return site;
  return std::nullopt;
}

StackDepot::StackId OrderChecker::capture_released(std::uintptr_t entry_cfa,
                                                   std::unique_lock<GraphMutex>& guard) {
  guard.unlock();
  RawStack stack = capture_stack(entry_cfa, current_options()->stack_depth);
  guard.lock();
  return stacks_.intern(std::move(stack));
}

std::vector<RawReport> OrderChecker::record_edges(ThreadState& thread, LockMeta& lock, Mode mode,
                                                  unsigned flags, std::uintptr_t pc,
                                                  std::uintptr_t entry_cfa) {
  std::vector<RawReport> reports;
  const std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
  auto guard = enter();
  std::optional<StackDepot::StackId> stack_id;  // only a new edge needs the acquisition's stack
  std::shared_ptr<const options> opts;          // only a new cycle needs the options
  bool changed = false;
  // Outermost first, as the edges' order of discovery has always been.
  std::vector<std::size_t> sources;
  for_each_edge_source(thread, key, flags, [&sources](std::size_t i) {
    sources.push_back(i);
    return true;
  });
  std::sort(sources.begin(), sources.end());
  for (const std::size_t i : sources) {
    const HeldLock& held = thread.held[i];
    // A settled edge needs no lookup: an LRU lock with hundreds of edges out of it, under which
    // the LRU maintainer takes each bucket lock, would be scanned at every new bucket.
    if (known_orders().edge_settled(thread, i, lock, key, mode)) continue;
    LockGraph::EdgeId edge = find_edge(*held.lock, lock);
    if (edge == LockGraph::kNoEdge && !stack_id) {
      remember_thread(thread);
      stack_id = stack_in_place(thread, pc, entry_cfa);
      if (!stack_id) {
        stack_id = capture_released(entry_cfa, guard);
        edge = find_edge(*held.lock, lock);  // the graph may have changed while it was unlocked
      }
    }
    LockGraph::Insertion insertion;
    edge =
        add_or_update_edge(thread, i, lock, mode, edge, stack_id.value_or(0), changed, insertion);
    // What is settled now, so that taking it again needs no visit (KnownOrders).
    const std::uint32_t own = lock.graph_node.load(std::memory_order_relaxed);
    known_orders().edge_recorded(
        thread, i, lock, key, mode, edges_[edge].gates.empty(),
        own == 0 ? 0 : graph_.in_degree(own - 1), [&](auto&& visit) {
          graph_.for_each_edge_into(own - 1, [&](LockGraph::EdgeId e) {
            if (edges_[e].gates.empty() &&
                (edges_[e].modes & mode_bit(Mode::exclusive, Mode::exclusive)))
              visit(nodes_[graph_.from(e)].key);
          });
        });
    if (!insertion.closes_cycle) continue;
    if (!opts) opts = current_options();
    std::vector<LockGraph::EdgeId> cycle =
        reportable_cycle(insertion.edge, std::move(insertion.path), *opts);
    if (cycle.empty()) {
      edges_[insertion.edge].suppressed = true;
      suppressed_.push_back(insertion.edge);
    } else if (opts->all_instances || first_with_its_sites(cycle)) {
      reports.push_back(cycle_report(cycle));
    } else {
      ++repeated_cycles_;
      for (LockGraph::EdgeId e : cycle) edges_[e].in_reported_cycle = true;  // drawn as reported
    }
  }
  if (changed && !suppressed_.empty()) {
    if (!opts) opts = current_options();
    recheck_suppressed(*opts, reports);
  }
  return reports;
}

LockGraph::EdgeId OrderChecker::add_or_update_edge(ThreadState& thread, std::size_t held_index,
                                                   LockMeta& lock, Mode mode,
                                                   LockGraph::EdgeId edge,
                                                   StackDepot::StackId stack, bool& changed,
                                                   LockGraph::Insertion& insertion) {
  const HeldLock& held = thread.held[held_index];
  // A gate must be held before the edge's outer lock, and exclusively, to serialize the edge.
  // Only the outermost kMaxGates candidates are kept: gates are outer locks by nature, and a
  // shorter list can only make a gate go unnoticed (an extra report), never hide a cycle.
  std::vector<std::uint64_t> gates;
  for (std::size_t j = 0; j < held_index && gates.size() < kMaxGates; ++j)
    if (thread.held[j].mode == Mode::exclusive) gates.push_back(thread.held[j].node_key);
  std::sort(gates.begin(), gates.end());
  gates.erase(std::unique(gates.begin(), gates.end()), gates.end());
  const std::uint8_t modes = mode_bit(held.mode, mode);

  if (edge != LockGraph::kNoEdge) {
    EdgeInfo& info = edges_[edge];
    std::vector<std::uint64_t> common;
    std::set_intersection(info.gates.begin(), info.gates.end(), gates.begin(), gates.end(),
                          std::back_inserter(common));
    if (common.size() != info.gates.size() || (info.modes | modes) != info.modes) changed = true;
    info.gates = std::move(common);
    info.modes |= modes;
    return edge;
  }
  insertion = graph_.insert_edge(node_for(*held.lock), node_for(lock));
  edge = insertion.edge;
  if (edges_.size() <= edge) edges_.resize(edge + 1);
  edges_[edge] = EdgeInfo{std::move(gates),
                          stack,
                          held.pc,
                          held.caller,
                          held.caller_cfa,
                          held.site_stack,
                          thread.ordinal(),
                          modes,
                          modes,
                          false,
                          false};
  return edge;
}

std::vector<LockGraph::EdgeId> OrderChecker::reportable_cycle(LockGraph::EdgeId closing,
                                                              std::vector<LockGraph::EdgeId> path,
                                                              const options& opts) {
  const LockGraph::NodeId from = graph_.from(closing), to = graph_.to(closing);
  path.push_back(closing);
  return report::reportable_cycle(
      std::move(path), [this](LockGraph::EdgeId e) -> const auto& { return edges_[e].gates; },
      [this](LockGraph::EdgeId e) {
        return edges_[e].modes == mode_bit(Mode::shared, Mode::shared);
      },
      report::CycleRules{.read_read_cycles = opts.read_read_cycles,
                         .gated_cycles = opts.gated_cycles},
      [&](auto keep) {
        std::vector<LockGraph::EdgeId> other =
            graph_.find_path(to, from, [&](LockGraph::EdgeId e) { return keep(e); });
        if (other.empty() && from != to) return other;
        other.push_back(closing);
        return other;
      });
}

void OrderChecker::recheck_suppressed(const options& opts, std::vector<RawReport>& reports) {
  std::vector<LockGraph::EdgeId> still;
  for (LockGraph::EdgeId closing : suppressed_) {
    const LockGraph::NodeId from = graph_.from(closing), to = graph_.to(closing);
    std::vector<LockGraph::EdgeId> path =
        graph_.find_path(to, from, [](LockGraph::EdgeId) { return true; });
    if (path.empty() && from != to) {
      still.push_back(closing);  // the rest of the cycle is gone for now; keep watching
      continue;
    }
    std::vector<LockGraph::EdgeId> cycle = reportable_cycle(closing, std::move(path), opts);
    if (cycle.empty()) {
      still.push_back(closing);
    } else {
      edges_[closing].suppressed = false;
      if (opts.all_instances || first_with_its_sites(cycle)) {
        reports.push_back(cycle_report(cycle));
      } else {
        ++repeated_cycles_;
        for (LockGraph::EdgeId e : cycle) edges_[e].in_reported_cycle = true;
      }
    }
  }
  suppressed_ = std::move(still);
}

bool OrderChecker::first_with_its_sites(const std::vector<LockGraph::EdgeId>& cycle) {
  // Each edge by its code: where its outer lock was taken and the return addresses of the
  // acquisition under it (not the stack addresses, which differ between threads); the cycle by
  // its edges in any order.
  std::vector<std::uint64_t> edge_sites;
  for (LockGraph::EdgeId e : cycle) {
    std::uint64_t h = edges_[e].from_pc * 0x9E3779B97F4A7C15ull;
    for (std::uintptr_t pc : stacks_.get(edges_[e].stack).pcs) h = (h ^ pc) * 0x100000001B3ull;
    edge_sites.push_back(h);
  }
  std::sort(edge_sites.begin(), edge_sites.end());
  std::uint64_t signature = 0xCBF29CE484222325ull;
  for (std::uint64_t h : edge_sites) signature = (signature ^ h) * 0x100000001B3ull;
  return reported_sites_.insert(signature).second;
}

std::size_t OrderChecker::repeated_cycles() {
  auto guard = enter();
  return repeated_cycles_;
}

RawEdge OrderChecker::raw_edge(const EdgeInfo& info, std::size_t from, std::size_t to) const {
  RawEdge edge;
  edge.from = from;
  edge.to = to;
  edge.thread = thread_label(info.thread);
  edge.from_mode = mode_name(info.first_modes >> 2 ? 1 : 0);
  edge.to_mode = mode_name(info.first_modes & 0b1010 ? 1 : 0);
  edge.to_site.stack = stacks_.get(info.stack);
  edge.from_site.stack = edge.to_site.stack;
  edge.from_site.outer_pc = info.from_pc;
  edge.from_site.outer_caller = info.from_caller;
  edge.from_site.outer_caller_cfa = info.from_caller_cfa;
  if (info.from_site_stack != ThreadState::kNoStack)
    edge.from_site.site_stack = stacks_.get(info.from_site_stack);
  return edge;
}

RawReport OrderChecker::cycle_report(const std::vector<LockGraph::EdgeId>& cycle) {
  RawReport report;
  report.kind = report::kLockOrderInversion;
  const std::size_t n = cycle.size();
  for (std::size_t i = 0; i < n; ++i) {
    EdgeInfo& info = edges_[cycle[i]];
    info.in_reported_cycle = true;
    report.locks.push_back(nodes_[graph_.from(cycle[i])].lock);
    report.cycle.push_back(i);
    report.edges.push_back(raw_edge(info, i, (i + 1) % n));
  }
  // Only a join leads into a thread's life (thread_life.h): a cycle through one is a join.
  auto life = std::find_if(report.locks.begin(), report.locks.end(),
                           [](const RawLock& l) { return l.kind == kind_name(LockKind::thread); });
  if (life != report.locks.end()) {
    const std::size_t at = static_cast<std::size_t>(life - report.locks.begin());
    const RawLock& held = report.locks[(at + n - 1) % n];
    report.kind = report::kJoinUnderLock;
    report.summary = "potential deadlock: " + life->label + " is joined while " + held.label +
                     " is held, and it takes " + report.locks[(at + 1) % n].label +
                     (n > 2 ? ", which leads to " + held.label : "");
    report.hint =
        "If the joined thread reaches that lock after the joining thread took it, the join waits "
        "for a thread that waits for the joiner: release the lock before the join, or let the "
        "joined thread finish without it.";
    return report;
  }
  report.summary =
      n == 1 ? "potential deadlock: two locks of class " + report.locks[0].label + " taken nested"
             : "potential deadlock: " + std::to_string(n) + " locks in a cycle";
  report.hint = n == 1 ? "Locks of one class must not be nested unless taken together by "
                         "lockorder::ordered_lock, which takes them in one canonical order."
                : unmodified_program()
                    ? "Take these locks in one consistent order everywhere (a fixed ranking "
                      "of the locks, or by address for locks of one kind), or release the "
                      "held lock before taking the other."
                    : "Take these locks in one consistent order everywhere (for example with "
                      "lockorder::ordered_lock, or ranks), or release the held lock before "
                      "taking the other.";
  return report;
}

std::optional<RawReport> OrderChecker::hierarchy_violation(ThreadState& thread,
                                                           const HeldLock& held, LockMeta& lock,
                                                           RawStack stack, const std::string& why) {
  auto guard = enter();
  const std::uint64_t key = lock.node_key.load(std::memory_order_relaxed);
  if (!reported_pairs_.emplace(held.node_key, key).second) return std::nullopt;
  remember_thread(thread);
  RawReport report;
  report.kind = report::kLockHierarchy;
  report.locks = {describe(*held.lock), describe(lock)};
  report.summary = why;
  RawEdge edge;
  edge.from = 0;
  edge.to = 1;
  edge.thread = thread_label(thread.ordinal());
  edge.from_mode = mode_name(static_cast<unsigned>(held.mode));
  edge.to_mode = mode_name(0);
  edge.from_site = outer_site(stack, held);
  edge.to_site.stack = std::move(stack);
  report.edges.push_back(std::move(edge));
  report.hint =
      "Acquire locks in their declared order (increasing rank; for ordered_lock, "
      "take the later-sorting lock after these), or release the held lock first.";
  return report;
}

std::optional<RawReport> OrderChecker::double_lock(ThreadState& thread, const HeldLock& held,
                                                   RawStack stack) {
  auto guard = enter();
  remember_thread(thread);
  RawReport report;
  report.kind = report::kDoubleLock;
  report.locks = {describe(*held.lock)};
  report.summary = report.locks[0].label + " acquired again by the thread that holds it";
  std::string who = thread_label(thread.ordinal());
  report.sites.push_back({"first acquired at", who, outer_site(stack, held), {}});
  report.sites.push_back({"acquired again at", who, captured_site(std::move(stack)), {}});
  report.hint =
      "A non-recursive lock cannot be taken twice by one thread: this acquisition can "
      "only hang. Release it first, or use recursive_mutex if re-entry is intended.";
  return report;
}

RawReport OrderChecker::unheld_unlock(ThreadState& thread, LockMeta& lock, RawStack stack,
                                      bool released) {
  auto guard = enter();
  remember_thread(thread);
  RawReport report;
  report.kind = report::kUnlockOfUnheldLock;
  report.locks = {describe(lock)};
  report.summary = report.locks[0].label + " released by a thread that does not hold it";
  report.sites.push_back(
      {"released at", thread_label(thread.ordinal()), captured_site(std::move(stack)), {}});
  report.hint =
      std::string(
          "Only the thread that acquired a lock may release it, once per acquisition; "
          "to hand work between threads, use a condition variable or a semaphore.") +
      (released ? " The C library releases such a mutex whoever unlocks it: the lock is free now, "
                  "and its holder no longer counts it as held."
                : "");
  return report;
}

RawReport OrderChecker::destroyed_while_held(ThreadState* thread, const HeldLock* held,
                                             LockMeta& lock, std::uint32_t holder, RawStack stack) {
  auto guard = enter();
  if (thread != nullptr) remember_thread(*thread);
  RawReport report;
  report.kind = report::kDestroyOfHeldLock;
  report.locks = {describe(lock)};
  const std::string who = thread != nullptr ? thread_label(thread->ordinal()) : "an exiting thread";
  const std::string holder_label = holder != 0 ? thread_label(holder) : "another thread";
  report.summary = report.locks[0].label + " destroyed while held by " +
                   (held != nullptr ? "the thread that destroys it" : holder_label);
  if (held != nullptr) report.sites.push_back({"acquired at", who, outer_site(stack, *held), {}});
  report.sites.push_back({"destroyed at", who, captured_site(std::move(stack)), {}});
  report.hint =
      "Destroying a held lock is undefined behaviour: release it first (a guard that outlives "
      "the lock it guards, or an object deleted while one of its locks is held, is the usual "
      "cause). lockorder no longer counts the lock as held and goes on.";
  return report;
}

RawSite OrderChecker::outer_site(const RawStack& later, const HeldLock& held) const {
  RawSite site{later, held.pc, held.caller, held.caller_cfa, {}};
  if (held.site_stack != ThreadState::kNoStack) site.site_stack = stacks_.get(held.site_stack);
  return site;
}

RawSite OrderChecker::held_site(const RawStack& later, const HeldLock& held) {
  auto guard = enter();
  return outer_site(later, held);
}

RawStack OrderChecker::stack(StackDepot::StackId id) {
  auto guard = enter();
  return id < stacks_.size() ? stacks_.get(id) : RawStack{};
}

StackDepot::StackId OrderChecker::intern_stack(RawStack stack) {
  auto guard = enter();
  return stacks_.intern(std::move(stack));
}

void OrderChecker::remove_lock(LockMeta& lock) {
  auto guard = enter();
  const std::uint32_t own = lock.graph_node.load(std::memory_order_relaxed);
  if (own == 0) return;
  const LockGraph::NodeId node = own - 1;
  const bool keep = keep_retired_.load(std::memory_order_relaxed);
  graph_.remove_node(node, [this, keep](LockGraph::EdgeId e) {
    if (keep) {
      const RawLock& from = nodes_[graph_.from(e)].lock;
      const RawLock& to = nodes_[graph_.to(e)].lock;
      retired_.try_emplace({identity_key(from), identity_key(to)},
                           RetiredEdge{from, to, edges_[e]});
    }
    if (edges_[e].suppressed)
      suppressed_.erase(std::find(suppressed_.begin(), suppressed_.end(), e));
    edges_[e] = EdgeInfo{};
  });
  nodes_[node] = NodeInfo{};
  lock.graph_node.store(0, std::memory_order_relaxed);
  known_orders().forget(lock);
}

runtime_stats OrderChecker::stats() {
  auto guard = enter();
  runtime_stats s;
  s.nodes = graph_.node_count();
  s.edges = graph_.edge_count();
  s.stacks = stacks_.size();
  s.graph_visits = visits_;
  s.repeated_cycles = repeated_cycles_;
  s.graph_bytes = graph_.memory_bytes() + stacks_.memory_bytes() + known_orders().hub_bytes() +
                  edges_.size() * sizeof(EdgeInfo) + nodes_.size() * sizeof(NodeInfo) +
                  node_of_class_.size() * 4 * sizeof(void*);
  for (const EdgeInfo& e : edges_) s.graph_bytes += e.gates.capacity() * sizeof(std::uint64_t);
  return s;
}

OrderChecker::RawGraph OrderChecker::whole_graph() {
  auto guard = enter();
  RawGraph out;
  std::unordered_map<LockGraph::NodeId, std::size_t> index;
  std::unordered_map<std::uint64_t, std::size_t> index_of_key;
  auto lock_index = [&](LockGraph::NodeId n) {
    auto [it, inserted] = index.emplace(n, out.report.locks.size());
    if (inserted) {
      out.report.locks.push_back(nodes_[n].lock);
      index_of_key.emplace(nodes_[n].key, it->second);
    }
    return it->second;
  };
  std::vector<LockGraph::EdgeId> edges;
  // A thread's life is no lock: its edges (a join's, the thread's first locks) are left out.
  auto is_life = [](const RawLock& lock) { return lock.kind == kind_name(LockKind::thread); };
  graph_.for_each_edge([&](LockGraph::EdgeId e) {
    if (is_life(nodes_[graph_.from(e)].lock) || is_life(nodes_[graph_.to(e)].lock)) return;
    lock_index(graph_.from(e));
    lock_index(graph_.to(e));
    edges.push_back(e);
  });
  auto add_edge = [&](std::size_t from, std::size_t to, const EdgeInfo& info) {
    out.report.edges.push_back(raw_edge(info, from, to));
    std::vector<std::string> modes;
    for (unsigned held = 0; held < 2; ++held)
      for (unsigned acquired = 0; acquired < 2; ++acquired)
        if (info.modes & mode_bit(static_cast<Mode>(held), static_cast<Mode>(acquired)))
          modes.push_back(std::string(mode_name(held)) + ">" + mode_name(acquired));
    out.modes.push_back(std::move(modes));
    std::vector<std::size_t> gates;
    for (std::uint64_t key : info.gates)  // a gate with no node now took no part, or is gone
      if (auto it = index_of_key.find(key); it != index_of_key.end()) gates.push_back(it->second);
    out.gates.push_back(std::move(gates));
  };
  for (LockGraph::EdgeId e : edges)
    add_edge(index.at(graph_.from(e)), index.at(graph_.to(e)), edges_[e]);
  // The edges of locks destroyed since: each of their locks described as it was.
  for (const auto& [identities, retired] : retired_) {
    if (is_life(retired.from) || is_life(retired.to)) continue;
    const std::size_t from = out.report.locks.size();
    out.report.locks.push_back(retired.from);
    out.report.locks.push_back(retired.to);
    add_edge(from, from + 1, retired.info);
  }
  return out;
}

std::string OrderChecker::identity_key(const RawLock& lock) {
  report::Lock described;
  described.label = lock.label;
  described.lock_class = lock.lock_class;
  if (lock.file != nullptr) described.created.file = lock.file;
  if (lock.function != nullptr) described.created.function = lock.function;
  described.created.line = static_cast<int>(lock.line);
  std::string id = report::lock_identity(described);
  // A shadowed lock is known by its creation stack, which only the reporter symbolizes.
  if (id.starts_with("unnamed:") && lock.created_stack != LockMeta::kNoCreationStack)
    return "created:" + std::to_string(lock.created_stack);
  return id;
}

report::GraphPicture OrderChecker::picture() {
  auto guard = enter();
  report::GraphPicture picture;
  std::unordered_map<LockGraph::NodeId, std::size_t> index;
  auto node_index = [&](LockGraph::NodeId n) {
    auto [it, inserted] = index.emplace(n, picture.nodes.size());
    if (inserted) {
      const RawLock& lock = nodes_[n].lock;
      std::string label = lock.label;
      if (lock.file != nullptr && *lock.file != '\0')  // shadowed locks have no creation site
        label += "\n" + short_file(lock.file) + ":" + std::to_string(lock.line);
      picture.nodes.push_back({label, false});
    }
    return it->second;
  };
  graph_.for_each_edge([&](LockGraph::EdgeId e) {
    const EdgeInfo& info = edges_[e];
    std::size_t from = node_index(graph_.from(e)), to = node_index(graph_.to(e));
    picture.arcs.push_back({from, to, info.in_reported_cycle, info.suppressed});
    if (info.in_reported_cycle) picture.nodes[from].in_cycle = picture.nodes[to].in_cycle = true;
  });
  return picture;
}

}  // namespace lockorder::internal
