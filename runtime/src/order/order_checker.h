// OrderChecker: the process-wide lock-order graph and every check that needs it.
//
// Only the slow path comes here: an acquisition whose held-lock chain the thread has not seen
// before, a lock being destroyed that has a node, a report being assembled. One internal mutex
// serializes it all; the locking fast path never touches it.
//
// Semantics it implements (see docs/runtime.md):
//   - an edge from every held lock to the lock being acquired, remembering the acquiring thread,
//     the stack of the acquisition and where the held lock was taken;
//   - each edge keeps the intersection of the "gate" sets it was taken under (locks held
//     exclusively below the edge's outer lock): a cycle whose edges share a gate is not a
//     deadlock and is not reported by default; it is re-checked when an edge loses a gate;
//   - each edge keeps the (held mode, acquired mode) pairs seen; a cycle in which every
//     acquisition is shared (a read-read cycle) is not reported by default (read_read_cycles);
//   - each cycle is reported once, when the edge that closes it first appears.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lockorder/internal/lock_meta.h"
#include "lockorder/options.h"
#include "lockorder/report/report.h"
#include "lockorder/runtime.h"
#include "order/lock_graph.h"
#include "process/adaptive_mutex.h"
#include "process/internal_locks.h"
#include "reporting/raw_report.h"
#include "reporting/stack_trace.h"
#include "threads/thread_state.h"

namespace lockorder::internal {

// The graph's lock: the first of the runtime's own locks (process/internal_locks.h).
using GraphMutex = OrderedMutex<AdaptiveMutex, InternalLock::graph>;

class OrderChecker {
 public:
  // Adds the edges held -> `lock` for the thread's current held stack; returns the cycles this
  // closed that are to be reported. `stack` is the acquisition's stack.
  // `entry_cfa` is the runtime entry point's CFA, for capturing the stack if an edge is new.
  // Edges that can no longer change become known (KnownOrders).
  // `pc` is the acquisition's return address.
  std::vector<RawReport> record_edges(ThreadState& thread, LockMeta& lock, Mode mode,
                                      unsigned flags, std::uintptr_t pc, std::uintptr_t entry_cfa);
  // A ranked or ordered acquisition out of order: a lock-hierarchy report, once per pair.
  std::optional<RawReport> hierarchy_violation(ThreadState& thread, const HeldLock& held,
                                               LockMeta& lock, RawStack stack,
                                               const std::string& why);
  std::optional<RawReport> double_lock(ThreadState& thread, const HeldLock& held, RawStack stack);
  // `released`: the C library let the release through (the lock is free now).
  RawReport unheld_unlock(ThreadState& thread, LockMeta& lock, RawStack stack, bool released);
  // `thread` (may be null: a thread being torn down) destroys `lock`, which is held: by this
  // thread when `held` is its entry, else by the thread with ordinal `holder` (0: unknown).
  RawReport destroyed_while_held(ThreadState* thread, const HeldLock* held, LockMeta& lock,
                                 std::uint32_t holder, RawStack stack);
  void remove_lock(LockMeta& lock);
  StackDepot::StackId intern_stack(RawStack stack);
  RawStack stack(StackDepot::StackId id);
  // Where the held entry's lock was taken, to be rebuilt with `later`, a stack captured since
  // (see RawSite).
  RawSite held_site(const RawStack& later, const HeldLock& held);
  // How reports name and describe a lock.
  static RawLock describe(LockMeta& lock);

  // The node key of a lock class; one per class and rank, so that locks of a class but of
  // different ranks never share a chain (see KnownOrders::learned).
  std::uint64_t class_key(const char* lock_class, int rank);
  // fork(): held across it, so that the child finds the graph consistent.
  void lock_for_fork() { mu_.lock(); }
  void unlock_after_fork() { mu_.unlock(); }
  runtime_stats stats();
  // Cycles not reported because one with the same acquisition sites was (see all_instances).
  std::size_t repeated_cycles();
  report::GraphPicture picture();
  // The whole graph, for a graph file: every lock with a node, every edge with its sites (in
  // `report.edges`, the modes it was first seen in), and beside each edge every pair of modes it
  // was seen in ("held>acquired") and its gates (indices into report.locks).
  struct RawGraph {
    RawReport report;
    std::vector<std::vector<std::string>> modes;
    std::vector<std::vector<std::size_t>> gates;
  };
  RawGraph whole_graph();
  // While on (graph_dir is set), the edges of a lock that is destroyed are kept for
  // whole_graph, one per pair of lock identities (a test's locks die before the process writes
  // its graph at exit).
  void keep_retired_edges(bool on) { keep_retired_.store(on, std::memory_order_relaxed); }

 private:
  // The bit of EdgeInfo::modes for an edge taken with the held lock in `held` mode.
  static constexpr std::uint8_t mode_bit(Mode held, Mode acquired) {
    return static_cast<std::uint8_t>(
        1u << (static_cast<unsigned>(held) * 2 + static_cast<unsigned>(acquired)));
  }
  struct EdgeInfo {
    std::vector<std::uint64_t> gates;  // sorted node keys
    StackDepot::StackId stack = 0;
    std::uintptr_t from_pc = 0;  // where the outer lock was taken (see HeldLock)
    std::uintptr_t from_caller = 0;
    std::uintptr_t from_caller_cfa = 0;
    std::uint32_t from_site_stack = ThreadState::kNoStack;
    std::uint32_t thread = 0;
    std::uint8_t modes = 0;  // the mode_bit of each (held, acquired) pair seen
    std::uint8_t first_modes = 0;
    bool in_reported_cycle = false;
    bool suppressed = false;
  };
  struct NodeInfo {
    std::uint64_t key = 0;
    RawLock lock;
  };

  LockGraph::NodeId node_for(LockMeta& lock);
  // The edge from -> to, or kNoEdge. Creates the two nodes if need be (an edge from or to a
  // lock needs its node anyway).
  LockGraph::EdgeId find_edge(LockMeta& from, LockMeta& to);
  // The stack of the acquisition at (pc, entry_cfa) if a stack captured at its site is still in
  // place on the thread's stack (no unwind needed).
  std::optional<StackDepot::StackId> stack_in_place(ThreadState& thread, std::uintptr_t pc,
                                                    std::uintptr_t entry_cfa);
  // A fresh capture of that stack, unwound with `guard` released (unwinding is slow).
  StackDepot::StackId capture_released(std::uintptr_t entry_cfa,
                                       std::unique_lock<GraphMutex>& guard);
  // Adds the edge from the held entry at `held_index` into `lock`, or updates `edge`, the
  // existing one.
  LockGraph::EdgeId add_or_update_edge(ThreadState& thread, std::size_t held_index, LockMeta& lock,
                                       Mode mode, LockGraph::EdgeId edge, StackDepot::StackId stack,
                                       bool& changed, LockGraph::Insertion& insertion);
  // Whether no cycle with the same acquisition sites was reported before (and now it is).
  bool first_with_its_sites(const std::vector<LockGraph::EdgeId>& cycle);
  std::vector<LockGraph::EdgeId> reportable_cycle(LockGraph::EdgeId closing,
                                                  std::vector<LockGraph::EdgeId> path,
                                                  const options& opts);
  RawReport cycle_report(const std::vector<LockGraph::EdgeId>& cycle);
  // The edge `info`, between the report's locks `from` and `to`, with its sites; locked.
  RawEdge raw_edge(const EdgeInfo& info, std::size_t from, std::size_t to) const;
  RawSite outer_site(const RawStack& later, const HeldLock& held) const;  // held_site, locked
  // What makes two locks one across processes (report::lock_identity), from what the graph
  // keeps of a lock: for the retired edges, kept once per pair of identities.
  static std::string identity_key(const RawLock& lock);
  void recheck_suppressed(const options& opts, std::vector<RawReport>& reports);
  std::string thread_label(std::uint32_t ordinal) const;
  void remember_thread(ThreadState& thread);

  // Every entry takes mu_ through enter(), which counts the visits (for tests and stats).
  std::unique_lock<GraphMutex> enter() {
    std::unique_lock<GraphMutex> guard(mu_);
    ++visits_;
    return guard;
  }

  GraphMutex mu_;
  std::size_t visits_ = 0;
  LockGraph graph_;
  StackDepot stacks_;
  std::deque<EdgeInfo> edges_;  // by EdgeId
  std::deque<NodeInfo> nodes_;  // by NodeId
  // Nodes of lock classes (a lock's own node is in its LockMeta::graph_node).
  std::unordered_map<std::uint64_t, LockGraph::NodeId> node_of_class_;
  std::map<std::pair<std::string, int>, std::uint64_t> class_keys_;
  std::unordered_map<std::uint32_t, std::string> thread_labels_;
  struct RetiredEdge {
    RawLock from, to;
    EdgeInfo info;
  };
  std::atomic<bool> keep_retired_{false};
  std::map<std::pair<std::string, std::string>, RetiredEdge> retired_;  // by the locks' identities
  std::vector<LockGraph::EdgeId> suppressed_;
  std::set<std::pair<std::uint64_t, std::uint64_t>>
      reported_pairs_;  // lock-hierarchy, once per pair
  std::size_t reports_ = 0;
  std::set<std::uint64_t> reported_sites_;  // a hash of each reported cycle's sites
  std::size_t repeated_cycles_ = 0;
};

OrderChecker& order_checker();

}  // namespace lockorder::internal
