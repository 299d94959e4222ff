#include "function_flow.h"

#include "flow_state.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

namespace lockorder::analyzer {
namespace {

using namespace flow;  // the state this analysis moves (flow_state.h)

// Taking a held lock again is re-entry, not a double-lock, for recursive locks and for a shared
// acquisition of a lock held shared.
bool reenters(const HeldLock& held, const LockOperand& operand, Mode mode) {
  return operand.recursive || held.operand.recursive ||
         (mode == Mode::shared && held.mode == Mode::shared);
}

// A callee's lock in the caller's terms: a reference member that the object's constructor bound
// to a lock the caller passed is that lock; anything else is substituted (lock_ref.h).
LockRef in_caller(const LockRef& inner, const CallTarget& target,
                  const std::vector<const LockRef*>& arguments, const LockRef* object) {
  if (inner.root == LockRef::Root::object && !inner.fields.empty())
    for (const auto& [member, lock] : target.bound_members) {
      if (inner.fields.front() != member) continue;
      LockRef rest = inner;
      rest.fields.erase(rest.fields.begin());
      rest.class_start = rest.class_start > 0 ? rest.class_start - 1 : -1;
      LockRef outer = lock;
      outer.append_fields(rest);
      outer.element = outer.element || inner.element;
      return outer;
    }
  return substitute(inner, arguments, object);
}

Path prefixed(const Site& site, const Path& rest) {
  Path path{&site};
  path.insert(path.end(), rest.begin(), rest.end());
  return path;
}

bool contains(const std::vector<LockRef>& sorted, const LockRef& lock) {
  return std::binary_search(sorted.begin(), sorted.end(), lock);
}

void insert_sorted(std::vector<LockRef>& sorted, const LockRef& lock) {
  if (!contains(sorted, lock))
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), lock), lock);
}

// Walks one function: computes block entry states to a fixpoint, then replays them once with
// `recording` on to produce the result.
class FunctionFlow {
 public:
  FunctionFlow(const FunctionIR& function, const ResolveCall& resolve,
               const ParameterConstants& constants)
      : function_(function),
        resolve_(resolve),
        constants_(constants),
        entry_(function.blocks.size()),
        collapsed_(function.blocks.size(), false) {}

  FunctionResult run() {
    if (function_.blocks.empty()) return {};
    FlowState start;
    start.reached = true;
    entry_[0].push_back(std::move(start));
    find_aliases();
    solve();
    recording_ = true;
    several_states_ = std::any_of(entry_.begin(), entry_.end(),
                                  [](const std::vector<FlowState>& v) { return v.size() > 1; });
    std::vector<FlowState> exits;
    for (std::size_t b = 0; b < function_.blocks.size(); ++b) {
      for (const FlowState& variant : entry_[b]) {
        FlowState state = variant;
        run_block(function_.blocks[b], state);
        if (function_.blocks[b].successors.empty()) exits.push_back(std::move(state));
      }
    }
    finish_summary(exits);
    return std::move(result_);
  }

 private:
  void solve() {
    std::deque<std::size_t> work{0};
    std::vector<bool> queued(function_.blocks.size(), false);
    queued[0] = true;
    while (!work.empty()) {
      const std::size_t b = work.front();
      work.pop_front();
      queued[b] = false;
      // Each state copied in turn: a self-loop may join into the block's states meanwhile, or
      // collapse them into one.
      for (std::size_t v = 0, n = entry_[b].size(); v < n && v < entry_[b].size(); ++v) {
        FlowState state = entry_[b][v];
        run_block(function_.blocks[b], state);
        for (const Successor& succ : function_.blocks[b].successors) {
          std::optional<FlowState> next = along(state, succ);
          if (!next || !merge_into(static_cast<std::size_t>(succ.block), std::move(*next)))
            continue;
          if (!queued[succ.block]) {
            queued[succ.block] = true;
            work.push_back(succ.block);
          }
        }
      }
    }
  }

  // Joins `next` into the block's state with the same facts, else into one that holds the same
  // (facts that change nothing about the locks are not worth a state of their own: only the
  // ones that decide a lock operation are kept apart), else keeps it as a state of its own, up
  // to kMaxVariants (then the block's states are joined into one and stay joined). Returns
  // whether the block's states changed.
  bool merge_into(std::size_t block, FlowState next) {
    std::vector<FlowState>& variants = entry_[block];
    auto join = [&](FlowState& variant) {
      FlowState joined = variant;
      join_into(joined, next);
      if (joined == variant) return false;
      variant = std::move(joined);
      return true;
    };
    if (collapsed_[block]) return join(variants.front());
    for (FlowState& variant : variants)
      if (variant.facts == next.facts) return join(variant);
    for (FlowState& variant : variants)
      if (same_locks(variant, next)) return join(variant);
    if (variants.size() == kMaxVariants) {
      FlowState all;
      for (const FlowState& v : variants) join_into(all, v);
      variants.assign(1, std::move(all));
      collapsed_[block] = true;
      return join(variants.front()) || true;
    }
    variants.push_back(std::move(next));
    return true;
  }

  // Whether two states hold the same locks the same way (in whatever order they were taken),
  // with the same try-locks pending and guards bound: what a later test could tell apart.
  static bool same_locks(const FlowState& a, const FlowState& b) {
    if (a.held.size() != b.held.size() || !(a.pending == b.pending) ||
        a.slots.size() != b.slots.size())
      return false;
    for (auto x = a.slots.begin(), y = b.slots.begin(); x != a.slots.end(); ++x, ++y)
      if (x->first != y->first) return false;
    return std::is_permutation(a.held.begin(), a.held.end(), b.held.begin());
  }

  // The state along a successor edge, or nothing if the edge cannot be taken from it: a tested
  // try-lock is held on its success branch only; a branch decided by a constant argument or
  // by a condition this path already tested goes one way.
  std::optional<FlowState> along(const FlowState& state, const Successor& succ) {
    for (const ParameterTest& test : succ.only_if)
      if (test.parameter < static_cast<int>(constants_.size()) && constants_[test.parameter] &&
          !holds(test, *constants_[test.parameter]))
        return std::nullopt;
    FlowState next = state;
    if (succ.fact >= 0 && !learn(next, succ.fact, succ.fact_value)) return std::nullopt;
    // A second test of one attempt's result goes the way the first went.
    if (succ.try_id >= 0 && !learn(next, try_fact(succ.try_id), succ.succeeded))
      return std::nullopt;
    if (succ.try_id < 0 && succ.slot < 0) return next;
    auto tests = [&](const PendingTry& p) {
      return succ.try_id >= 0 ? p.try_id == succ.try_id : p.slot == succ.slot;
    };
    std::vector<PendingTry> attempts;
    for (const PendingTry& p : next.pending)
      if (tests(p)) attempts.push_back(p);
    std::erase_if(next.pending, tests);
    for (const PendingTry& attempt : attempts)
      if (succ.succeeded == attempt.on_success)
        for (const LockOperand& operand : attempt.operands)
          push_held(next, operand, attempt.mode, attempt.path, attempt.slot, std::nullopt,
                    attempt.suppressed);
    return next;
  }

  // Adds `fact` = `value` to the path's facts; false if the path knows the opposite.
  static bool learn(FlowState& state, int fact, bool value) {
    auto known =
        std::lower_bound(state.facts.begin(), state.facts.end(), std::pair<int, bool>{fact, false});
    if (known != state.facts.end() && known->first == fact) return known->second == value;
    state.facts.insert(known, {fact, value});
    return true;
  }

  // The fact of an attempt's (a try-lock's, a call's) outcome; a new attempt forgets it.
  static int try_fact(int try_id) { return -2 - try_id; }
  static void forget_attempt(FlowState& state, int try_id) {
    if (try_id >= 0)
      std::erase_if(state.facts, [&](const auto& f) { return f.first == try_fact(try_id); });
  }

  // A local variable that stores a callee's result which points to a lock names that lock.
  const LockRef& aliased(const LockRef& lock) const {
    if (lock.root != LockRef::Root::local || !lock.fields.empty()) return lock;
    auto it = aliases_.find(lock.name);
    return it == aliases_.end() ? lock : it->second;
  }
  std::vector<LockOperand> aliased(const std::vector<LockOperand>& operands) const {
    std::vector<LockOperand> out = operands;
    for (LockOperand& operand : out) operand.lock = aliased(operand.lock);
    return out;
  }

  // `hold = item_trylock(hv)`: `hold` names the lock item_trylock returns a pointer to.
  void find_aliases() {
    for (const Block& block : function_.blocks)
      for (const Op& op : block.ops) {
        if (op.kind != OpKind::call || !op.result || op.result->root != LockRef::Root::local)
          continue;
        const std::vector<ResolvedCallee> callees = resolve_(op.call);
        if (callees.empty() || !callees.front().summary->returns) continue;
        std::vector<const LockRef*> arguments;
        for (const auto& argument : op.call.arguments)
          arguments.push_back(argument ? &*argument : nullptr);
        LockRef lock = in_caller(*callees.front().summary->returns, op.call, arguments,
                                 op.call.object ? &*op.call.object : nullptr);
        if (lock.named()) aliases_.emplace(op.result->name, std::move(lock));
      }
  }

  void run_block(const Block& block, FlowState& state) {
    for (const Op& op : block.ops) {
      if (op.kind == OpKind::try_acquire || op.kind == OpKind::guard_try || op.kind == OpKind::call)
        forget_attempt(state, op.try_id);
      apply(op, state);
    }
  }

  // Operands of a guard op: its own, or (lock() after unlock(), a bare try_lock()) its binding.
  const Binding* bind(FlowState& state, const Op& op) {
    if (!op.operands.empty()) state.slots[op.slot] = Binding{op.operands, op.mode, op.scoped};
    auto it = state.slots.find(op.slot);
    return it == state.slots.end() ? nullptr : &it->second;
  }

  void apply(const Op& op, FlowState& state) {
    switch (op.kind) {
      case OpKind::acquire:
        acquire_all(state, aliased(op.operands), op.mode, &op.site, -1, op.suppressed);
        break;
      case OpKind::try_acquire:
        state.pending.push_back(
            {op.try_id, -1, aliased(op.operands), op.mode, {&op.site}, op.suppressed});
        break;
      case OpKind::release:
        for (const LockOperand& operand : op.operands) release(state, aliased(operand.lock));
        break;
      case OpKind::guard_acquire:
        if (const Binding* binding = bind(state, op))
          acquire_all(state, binding->operands, binding->mode, &op.site, op.slot, op.suppressed);
        break;
      case OpKind::guard_try:
        if (const Binding* binding = bind(state, op))
          state.pending.push_back(
              {op.try_id, op.slot, binding->operands, binding->mode, {&op.site}, op.suppressed});
        break;
      case OpKind::guard_adopt:
        if (const Binding* binding = bind(state, op)) adopt(state, *binding, op);
        break;
      case OpKind::guard_defer:
        bind(state, op);
        break;
      case OpKind::guard_unlock:
        drop_slot(state, op.slot);
        break;
      case OpKind::guard_disown:
        for (HeldLock& h : state.held)
          if (h.slot == op.slot) h.slot = -1;
        state.slots.erase(op.slot);
        break;
      case OpKind::guard_move:
        for (HeldLock& h : state.held)
          if (h.slot == op.from_slot) h.slot = op.slot;
        if (auto it = state.slots.find(op.from_slot); it != state.slots.end()) {
          state.slots[op.slot] = it->second;
          state.slots.erase(op.from_slot);
        }
        break;
      case OpKind::guard_end:
        end_guard(state, op.slot);
        break;
      case OpKind::call:
        call(state, op);
        break;
      case OpKind::returns:
        returned(state, op);
        break;
      case OpKind::forget:
        std::erase_if(state.facts, [&](const std::pair<int, bool>& fact) {
          return std::find(op.facts.begin(), op.facts.end(), fact.first) != op.facts.end();
        });
        break;
    }
  }

  void end_guard(FlowState& state, int slot) {
    auto binding = state.slots.find(slot);
    if (binding != state.slots.end() && binding->second.scoped) {
      // Whatever it owns now, a scoped guard unlocks each of its locks once.
      for (const LockOperand& operand : binding->second.operands) {
        auto owned = std::find_if(state.held.begin(), state.held.end(), [&](const HeldLock& h) {
          return h.slot == slot && h.operand.lock == operand.lock;
        });
        if (owned != state.held.end()) {
          state.held.erase(owned);
          continue;
        }
        for (auto it = state.held.rbegin(); it != state.held.rend(); ++it)
          if (it->slot == -1 && it->operand.lock == operand.lock) {
            state.held.erase(std::next(it).base());
            break;
          }
      }
    }
    drop_slot(state, slot);
    if (binding != state.slots.end()) state.slots.erase(binding);
  }

  void drop_slot(FlowState& state, int slot) {
    // A guard that unlocks its caller's lock (adopted) releases the caller's hold.
    for (const HeldLock& h : state.held)
      if (h.slot == slot && h.restores) insert_sorted(state.unrestored, h.operand.lock);
    std::erase_if(state.held, [&](const HeldLock& h) { return h.slot == slot; });
    std::erase_if(state.pending, [&](const PendingTry& p) { return p.slot == slot; });
    std::erase_if(state.detached, [&](const Detached& d) { return d.slot == slot; });
  }

  void adopt(FlowState& state, const Binding& binding, const Op& op) {
    for (const LockOperand& operand : binding.operands) {
      auto held = std::find_if(state.held.begin(), state.held.end(), [&](const HeldLock& h) {
        return h.operand.lock == operand.lock && h.slot == -1;
      });
      if (held != state.held.end()) {
        held->slot = op.slot;
      } else {  // the caller's hold, adopted: held from here on, and the caller's if kept
        // (`unique_lock lock(mu, adopt_lock); cv.wait(lock); lock.release();` leaves the
        // caller holding what it held, not a second hold)
        push_held(state, operand, binding.mode, {&op.site}, op.slot, std::nullopt, op.suppressed);
        state.held.back().restores = true;
      }
    }
  }

  // Locks `operands` together (one lock, or std::lock / scoped_lock's deadlock-free group).
  void acquire_all(FlowState& state, const std::vector<LockOperand>& operands, Mode mode,
                   const Site* site, int slot, bool suppressed) {
    const std::size_t before = state.held.size();
    for (const LockOperand& operand : operands) {
      if (!operand.lock.named()) continue;
      if (reenter(state, operand, mode, {site}, before)) continue;
      order_after_held(state, operand, mode, {site}, {}, before, suppressed);
      // An element of a lock array taken while one is maybe held (left over from a loop's
      // earlier iteration on some path) is taken as that one: the loop body that takes and
      // releases `locks[i]` on every path holds none of them at its head.
      if (operand.lock.element)
        std::erase_if(state.held, [&](const HeldLock& h) {
          return !h.definite && h.slot < 0 && h.operand.lock == operand.lock;
        });
      push_held(state, operand, mode, {site}, slot, std::nullopt, suppressed);
    }
  }

  // The lock is already held: re-entry (counted) or a double-lock. Returns whether it was held.
  bool reenter(FlowState& state, const LockOperand& operand, Mode mode, const Path& path,
               std::size_t among) {
    if (operand.lock.element) return false;  // maybe another element: a lock of its own
    for (std::size_t i = 0; i < among && i < state.held.size(); ++i) {
      HeldLock& h = state.held[i];
      if (!(h.operand.lock == operand.lock)) continue;
      if (reenters(h, operand, mode)) {
        h.count = std::min(h.count + 1, kMaxCount);
      } else if (h.definite && recording_) {
        record_double_lock(h, operand.lock, path);
      }
      return true;
    }
    return false;
  }

  // Records the edges into `operand` from the first `among` held locks, except those the
  // acquisition path released first, and the acquisition itself for the summary.
  void order_after_held(const FlowState& state, const LockOperand& operand, Mode mode,
                        const Path& path, const std::vector<LockRef>& released_first,
                        std::size_t among, bool suppressed) {
    if (!recording_) return;
    std::vector<std::string> gates;
    for (std::size_t i = 0; i < among && i < state.held.size(); ++i) {
      const HeldLock& h = state.held[i];
      if (!contains(released_first, h.operand.lock) && !(h.operand.lock == operand.lock)) {
        record_edge({h.operand.lock, operand.lock, h.mode, mode, h.path, path, gates,
                     function_.name, suppressed || h.suppressed, !h.definite});
        if (!function_.orders_instances && distinct_instances(h.operand.lock, operand.lock))
          result_.instance_pairs.push_back({h.operand.lock, operand.lock, h.path, path,
                                            function_.name, suppressed || h.suppressed});
      }
      if (h.mode == Mode::exclusive) gates.push_back(h.operand.lock.lock_class());
    }
    if (state.released_entry.empty()) {
      add_acquisition(operand, mode, path, released_first, suppressed);
      return;
    }
    std::vector<LockRef> released = released_first;
    for (const LockRef& lock : state.released_entry)
      if (!contains(released, lock)) released.push_back(lock);
    std::sort(released.begin(), released.end());
    add_acquisition(operand, mode, path, released, suppressed);
  }

  // Where a block has several states, each replays it: what two states see alike is recorded
  // once (by its two acquisition paths, which name the locks).
  void record_edge(EdgeOccurrence edge) {
    if (!several_states_ ||
        recorded_edges_.insert({edge.from_path, edge.to_path, edge.from_mode, edge.to_mode}).second)
      result_.edges.push_back(std::move(edge));
  }

  void record_double_lock(const HeldLock& held, const LockRef& lock, const Path& path) {
    if (!several_states_ || recorded_double_locks_.insert({held.path, path}).second)
      result_.double_locks.push_back({lock, held.path, path, function_.name, held.suppressed});
  }

  // A lock reached from a local variable or from an expression the analysis cannot name (a
  // call's result, a path cut short) is not substituted at a call: to a caller, it is its class
  // and the field of the object that holds it, whatever chain of members led there. The
  // summary keeps it so (`iter->block_->db_->mutex_` as `db_->mutex_`), one acquisition rather
  // than one per way the callees reached it. (One field stays one field: instance-order tells
  // a named object's lock, `x->mu`, from one reached through other objects.)
  static LockOperand as_callers_see(const LockOperand& operand) {
    const LockRef& lock = operand.lock;
    if ((lock.root != LockRef::Root::local && lock.root != LockRef::Root::unknown) ||
        lock.class_start <= 1)
      return operand;
    LockOperand shorter = operand;
    shorter.lock.fields.erase(shorter.lock.fields.begin(),
                              shorter.lock.fields.begin() + (lock.class_start - 1));
    shorter.lock.class_start = 1;
    return shorter;
  }

  // Adds an acquisition to the summary unless it has the same one, or enough paths to that lock.
  void add_acquisition(const LockOperand& taken, Mode mode, const Path& path,
                       const std::vector<LockRef>& released_first, bool suppressed) {
    const LockOperand operand = as_callers_see(taken);
    std::vector<Acquisition>& list = result_.summary.acquisitions;
    std::size_t key = hash_value(operand.lock) * 31 + static_cast<std::size_t>(mode);
    for (const LockRef& r : released_first) key = key * 31 + hash_value(r);
    std::vector<std::size_t>& bucket = acquisition_index_[key];
    std::size_t same = 0;
    for (std::size_t i : bucket) {
      const Acquisition& b = list[i];
      if (!(b.operand.lock == operand.lock) || b.mode != mode || b.released_first != released_first)
        continue;  // another key that hashes alike
      if (b.path == path || ++same >= kMaxPathsPerLock) return;
    }
    bucket.push_back(list.size());
    list.push_back({operand, mode, path, released_first, suppressed});
  }

  void push_held(FlowState& state, const LockOperand& operand, Mode mode, Path path, int slot,
                 std::optional<LockRef> owner, bool suppressed) {
    std::erase(state.released_entry, operand.lock);
    const bool restores = std::erase(state.unrestored, operand.lock) > 0;
    if (slot < 0 && !owner)
      if (auto d = std::find_if(state.detached.begin(), state.detached.end(),
                                [&](const Detached& x) { return x.lock == operand.lock; });
          d != state.detached.end()) {
        slot = d->slot;
        owner = d->owner;
        state.detached.erase(d);
      }
    state.held.push_back(
        {operand, mode, std::move(path), slot, std::move(owner), 1, true, suppressed, restores});
  }

  void release(FlowState& state, const LockRef& lock) {
    // Whoever held it (this function, or on some paths the caller), the caller's hold on this
    // lock is over until it is taken again: `mu.Unlock(); work(); mu.Lock();` in a function
    // called with mu held, even in a loop.
    insert_sorted(state.released_entry, lock);
    auto it = std::find_if(state.held.rbegin(), state.held.rend(),
                           [&](const HeldLock& h) { return h.operand.lock == lock; });
    // One lock reached by two paths that cannot be compared (an array element, an object the
    // analysis cannot name, a callee's local pointer: extstore hands back `p->mutex` and takes
    // `e->pages[id].mutex` to unlock it) is released by its class.
    if (it == state.held.rend() && !lock.lock_class().empty())
      it = std::find_if(state.held.rbegin(), state.held.rend(), [&](const HeldLock& h) {
        return h.operand.lock.lock_class() == lock.lock_class() &&
               (imprecise(h.operand.lock) || imprecise(lock));
      });
    if (it == state.held.rend()) {
      // Not taken here: the caller's (an unlock helper, or a function that drops a lock it
      // was called with).
      insert_sorted(state.unrestored, lock);
      return;
    }
    if (it->restores) insert_sorted(state.unrestored, lock);
    if (--it->count > 0) return;
    if (it->slot >= 0 || it->owner)
      state.detached.push_back({it->operand.lock, it->slot, it->owner});
    state.held.erase(std::next(it).base());
  }

  // Whether a path may name the same lock as another path of its class without being equal.
  bool imprecise(const LockRef& lock) const {
    return lock.element || lock.root == LockRef::Root::unknown ||
           (lock.root == LockRef::Root::local && !lock.name.starts_with(function_.name + "::"));
  }

  void call(FlowState& state, const Op& op) {
    const CallTarget& target = op.call;
    std::vector<const LockRef*> arguments;
    for (const auto& argument : target.arguments)
      arguments.push_back(argument ? &aliased(*argument) : nullptr);
    const LockRef* object = target.object ? &*target.object : nullptr;
    const std::vector<ResolvedCallee> callees = resolve_(target);
    if (recording_) {
      CallRecord record;
      for (const HeldLock& h : state.held)
        if (h.mode == Mode::exclusive) record.held_classes.push_back(h.operand.lock.lock_class());
      for (const ResolvedCallee& callee : callees) {
        record.callee_usr = *callee.usr;
        result_.calls.push_back(record);
      }
    }
    if (recording_) {
      if ((target.indirect || target.is_virtual) && callees.empty())
        unknown_call(state, op, {&op.site}, target.name);
      for (const ResolvedCallee& callee : callees)
        for (const FunctionSummary::UnknownCall& u : callee.summary->unknown_calls)
          unknown_call(state, op, prefixed(op.site, u.path), u.callee);
    }
    // Several possible callees (a virtual call): each one's acquisitions order after what is
    // held; the state afterwards follows the first (they rarely differ in what they hold).
    // Acquisitions change no state, so only the recording pass looks at them.
    for (const ResolvedCallee& callee : recording_ ? callees : std::vector<ResolvedCallee>{}) {
      for (const Acquisition& a : callee.summary->acquisitions) {
        LockOperand operand{in_caller(a.operand.lock, target, arguments, object),
                            a.operand.recursive};
        if (!operand.lock.named()) continue;
        std::vector<LockRef> released;
        for (const LockRef& r : a.released_first)
          released.push_back(in_caller(r, target, arguments, object));
        std::sort(released.begin(), released.end());
        const Path path = prefixed(op.site, a.path);
        if (!reenter_check_only(state, operand, a.mode, path, released))
          order_after_held(state, operand, a.mode, path, released, state.held.size(),
                           a.suppressed || op.suppressed);
      }
    }
    const FunctionSummary* effect = callees.empty() ? nullptr : callees.front().summary;
    if (effect != nullptr)
      for (const LockRef& r : effect->released)
        release(state, in_caller(r, target, arguments, object));
    // Destroying an object whose constructor took locks ends those holds when its destructor
    // releases anything or runs only its members' destructors.
    if (target.kind == CallTarget::Kind::destructor && object != nullptr &&
        (target.ends_holds || (effect != nullptr && !effect->released.empty()))) {
      std::erase_if(state.held, [&](const HeldLock& h) { return h.owner == *object; });
      std::erase_if(state.detached, [&](const Detached& d) { return d.owner == *object; });
    }
    if (effect == nullptr) return;
    for (const Acquisition& a : effect->held_on_return) {
      LockOperand operand{in_caller(a.operand.lock, target, arguments, object),
                          a.operand.recursive};
      if (!operand.lock.named()) continue;
      // Held only with some results: on the branches that test the result that way.
      if (a.held_when != ReturnValue::unknown && op.try_id >= 0) {
        state.pending.push_back({op.try_id,
                                 -1,
                                 {operand},
                                 a.mode,
                                 prefixed(op.site, a.path),
                                 a.suppressed,
                                 a.held_when == ReturnValue::nonzero});
        continue;
      }
      std::optional<LockRef> owner;
      if (target.kind == CallTarget::Kind::constructor && object != nullptr) owner = *object;
      // Already held: the acquisitions above reported it if it was a double-lock. A maybe-held
      // lock is counted once (re-entry counts matter for recursive locks that are held).
      auto held = std::find_if(state.held.begin(), state.held.end(), [&](const HeldLock& h) {
        return h.operand.lock == operand.lock && !operand.lock.element;
      });
      if (held != state.held.end()) {
        if (held->definite && a.definite) held->count = std::min(held->count + 1, kMaxCount);
      } else {
        push_held(state, operand, a.mode, prefixed(op.site, a.path), -1, owner, a.suppressed);
        state.held.back().definite = a.definite;
      }
    }
  }

  // Two locks of one class, each the lock member of an object the function names (`mu` and
  // `other.mu`, `from->mu` and `to->mu`): instances that only data puts in order. Longer paths
  // (`iter_.db_->mutex_` while `mutex_` is held) mostly lead back to the same object.
  static bool distinct_instances(const LockRef& a, const LockRef& b) {
    return !a.view && !b.view && !a.element && !b.element && a.fields.size() == 1 &&
           b.fields.size() == 1 && a.root != LockRef::Root::unknown &&
           b.root != LockRef::Root::unknown && a.lock_class() == b.lock_class();
  }

  // A call into code the program does not show: with a lock held, a finding; either way, part
  // of the summary, for callers that hold one.
  void unknown_call(const FlowState& state, const Op& op, Path path, const std::string& callee) {
    for (auto h = state.held.rbegin(); h != state.held.rend(); ++h)
      if (h->mode == Mode::exclusive && !h->operand.lock.view) {
        result_.unknown_calls.push_back({h->operand.lock, h->path, path, callee, function_.name,
                                         op.suppressed || h->suppressed});
        break;
      }
    std::vector<FunctionSummary::UnknownCall>& known = result_.summary.unknown_calls;
    FunctionSummary::UnknownCall call{std::move(path), callee};
    if (known.size() < kMaxPathsPerLock &&
        std::find(known.begin(), known.end(), call) == known.end())
      known.push_back(std::move(call));
  }

  // A callee's acquisition of a lock this function holds: a double-lock unless re-entrant or
  // released first. Returns whether the lock was held (then it orders nothing new).
  bool reenter_check_only(const FlowState& state, const LockOperand& operand, Mode mode,
                          const Path& path, const std::vector<LockRef>& released_first) {
    if (operand.lock.element) return false;
    for (const HeldLock& h : state.held) {
      if (!(h.operand.lock == operand.lock)) continue;
      if (contains(released_first, h.operand.lock)) return false;
      if (!reenters(h, operand, mode) && h.definite && recording_)
        record_double_lock(h, operand.lock, path);
      return true;
    }
    return false;
  }

  // What a return tells the caller: the lock it returns a pointer to, and (as a fact of the path)
  // whether it returned zero.
  void returned(FlowState& state, const Op& op) {
    std::erase_if(state.facts, [](const auto& fact) { return fact.first == kReturnFact; });
    if (op.returned != ReturnValue::unknown)
      state.facts.emplace_back(kReturnFact, op.returned == ReturnValue::zero);
    if (!recording_ || op.operands.empty()) return;
    if (!returns_seen_) {
      result_.summary.returns = aliased(op.operands.front().lock);
      returns_seen_ = true;
    } else if (result_.summary.returns &&
               !(*result_.summary.returns == aliased(op.operands.front().lock))) {
      result_.summary.returns.reset();  // one of several: none
    }
  }

  static ReturnValue returned_value(const FlowState& state) {
    for (const auto& [fact, zero] : state.facts)
      if (fact == kReturnFact) return zero ? ReturnValue::zero : ReturnValue::nonzero;
    return ReturnValue::unknown;
  }

  void finish_summary(const std::vector<FlowState>& exits) {
    FlowState exit;
    for (const FlowState& state : exits) join_into(exit, state);
    if (!exit.reached) return;
    result_.summary.released = exit.unrestored;
    for (const HeldLock& h : exit.held) {
      if (h.slot != -1 || h.restores) continue;
      Acquisition held{as_callers_see(h.operand), h.mode, h.path, {}, h.suppressed, h.definite};
      // Held only with one kind of result: every return that holds it returns zero, or none
      // that returns zero does (and some does).
      bool zero_holds = false, zero_without = false, other_holds = false, other_without = false;
      for (const FlowState& state : exits) {
        const bool holds = std::any_of(state.held.begin(), state.held.end(),
                                       [&](const HeldLock& x) { return x.same_holding(h); });
        const bool zero = returned_value(state) == ReturnValue::zero;
        (zero ? (holds ? zero_holds : zero_without) : (holds ? other_holds : other_without)) = true;
      }
      if (zero_holds && !other_holds) {
        held.held_when = ReturnValue::zero;
        held.definite = !zero_without && h.definite;
      } else if (other_holds && !zero_holds && zero_without) {
        held.held_when = ReturnValue::nonzero;
        held.definite = !other_without && h.definite;
      }
      result_.summary.held_on_return.push_back(std::move(held));
    }
  }

  const FunctionIR& function_;
  const ResolveCall& resolve_;
  const ParameterConstants& constants_;
  std::vector<std::vector<FlowState>> entry_;  // per block: a state per set of facts
  std::vector<bool> collapsed_;                // blocks whose states were joined into one
  bool recording_ = false;
  bool returns_seen_ = false;
  std::map<std::string, LockRef> aliases_;  // local variable -> the lock it points to
  FunctionResult result_;
  // Where the acquisitions of each (lock, mode, released_first) are in
  // result_.summary.acquisitions, by a hash of the three (distinct triples may share one).
  std::unordered_map<std::size_t, std::vector<std::size_t>> acquisition_index_;
  bool several_states_ = false;  // some block has more than one state
  std::set<std::tuple<Path, Path, Mode, Mode>> recorded_edges_;
  std::set<std::pair<Path, Path>> recorded_double_locks_;
};

}  // namespace

bool FunctionSummary::operator==(const FunctionSummary& other) const {
  // Paths explain; they do not change what callers conclude. Comparing without them lets
  // recursion settle as soon as the locks it can take are known.
  auto same = [](const std::vector<Acquisition>& a, const std::vector<Acquisition>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const Acquisition& x, const Acquisition& y) {
                        return x.operand.lock == y.operand.lock && x.mode == y.mode &&
                               x.released_first == y.released_first;
                      });
  };
  const bool same_certainty =
      std::equal(held_on_return.begin(), held_on_return.end(), other.held_on_return.begin(),
                 other.held_on_return.end(), [](const Acquisition& x, const Acquisition& y) {
                   return x.definite == y.definite && x.held_when == y.held_when;
                 });
  return same(acquisitions, other.acquisitions) && same(held_on_return, other.held_on_return) &&
         same_certainty && released == other.released && returns == other.returns &&
         unknown_calls.size() == other.unknown_calls.size();
}

FunctionResult analyse_function(const FunctionIR& function, const ResolveCall& resolve,
                                const ParameterConstants& constants) {
  if (function.trusted) return {};
  return FunctionFlow(function, resolve, constants).run();
}

}  // namespace lockorder::analyzer
