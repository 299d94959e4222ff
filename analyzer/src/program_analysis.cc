#include "program_analysis.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "function_flow.h"

namespace lockorder::analyzer {
namespace {

// A function whose summary keeps changing after this many visits is left as it is (recursion
// through ever-longer call chains); the user is told.
constexpr int kMaxVisits = 32;

class Program {
 public:
  explicit Program(const std::vector<TranslationUnitIR>& units) {
    for (const TranslationUnitIR& unit : units) {
      for (const FunctionIR& f : unit.functions) {
        // An inline function defined in a header comes with every unit that includes it.
        if (!functions_.emplace(f.usr, &f).second) continue;
        order_.push_back(&f);
        for (const std::string& base : f.overrides) overriders_[base].push_back(f.usr);
      }
      for (const Callable& c : unit.callables)
        if (!c.place.empty()) callables_[c.place].insert({c.signature, c.usr});
      for (const auto& [to, from] : unit.place_copies) copied_from_[to].insert(from);
      facts_.orders.insert(facts_.orders.end(), unit.orders.begin(), unit.orders.end());
    }
    facts_.functions = functions_.size();
  }

  ProgramFacts run() {
    find_callers();
    summarise();
    compute_entry_gates();
    for (const FunctionIR* f : order_) {
      FunctionResult& result = results_[f->usr];
      const std::set<std::string>& entry = entry_gates_[f->usr];
      for (EdgeOccurrence& edge : result.edges) {
        for (const std::string& gate : entry)
          if (std::find(edge.gates.begin(), edge.gates.end(), gate) == edge.gates.end())
            edge.gates.push_back(gate);
        facts_.edges.push_back(std::move(edge));
      }
      for (DoubleLockOccurrence& d : result.double_locks)
        facts_.double_locks.push_back(std::move(d));
      for (InstancePairOccurrence& p : result.instance_pairs)
        facts_.instance_pairs.push_back(std::move(p));
      for (UnknownCallOccurrence& u : result.unknown_calls)
        facts_.unknown_calls.push_back(std::move(u));
    }
    return std::move(facts_);
  }

 private:
  // The definitions a call may reach: the callee, and every overrider of a virtual callee.
  std::vector<std::string> targets(const CallTarget& call) const {
    std::vector<std::string> found;
    if (call.indirect) {  // what the program stores into the place it calls through
      if (call.place.empty()) return found;
      std::deque<std::string> work{call.place};
      std::unordered_set<std::string> places{call.place};
      std::set<std::string> usrs;
      while (!work.empty()) {  // the place, and the places copied into it
        const std::string place = work.front();
        work.pop_front();
        if (auto it = callables_.find(place); it != callables_.end())
          for (const auto& [signature, usr] : it->second)
            if (signature == call.signature && functions_.count(usr)) usrs.insert(usr);
        if (auto it = copied_from_.find(place); it != copied_from_.end())
          for (const std::string& from : it->second)
            if (places.insert(from).second) work.push_back(from);
      }
      return {usrs.begin(), usrs.end()};
    }
    if (functions_.count(call.usr)) found.push_back(call.usr);
    if (!call.is_virtual) return found;
    std::deque<std::string> work{call.usr};
    std::unordered_set<std::string> seen{call.usr};
    while (!work.empty()) {
      auto it = overriders_.find(work.front());
      work.pop_front();
      if (it == overriders_.end()) continue;
      for (const std::string& o : it->second)
        if (seen.insert(o).second) {
          found.push_back(o);
          work.push_back(o);
        }
    }
    return found;
  }

  // The call graph, both ways, resolved once.
  void find_callers() {
    for (const FunctionIR* f : order_) {
      std::vector<std::string>& callees = callees_[f->usr];
      for (const Block& block : f->blocks)
        for (const Op& op : block.ops)
          if (op.kind == OpKind::call)
            for (std::string& callee : targets(op.call)) {
              callers_[callee].insert(f->usr);
              callees.push_back(std::move(callee));
            }
    }
  }

  // Callees first (a depth-first post-order over the call graph), then a worklist of callers
  // whose callees' summaries changed.
  std::vector<const FunctionIR*> callees_first() const {
    std::vector<const FunctionIR*> post;
    std::unordered_set<std::string> visited;
    for (const FunctionIR* root : order_) {
      if (!visited.insert(root->usr).second) continue;
      // Iterative DFS: (function, its callees, the next one to visit) frames.
      struct Frame {
        const FunctionIR* f;
        const std::vector<std::string>* callees;
        std::size_t next = 0;
      };
      std::vector<Frame> stack;
      auto open = [&](const FunctionIR* f) { stack.push_back({f, &callees_.at(f->usr), 0}); };
      open(root);
      while (!stack.empty()) {
        Frame& top = stack.back();
        if (top.next == top.callees->size()) {
          post.push_back(top.f);
          stack.pop_back();
          continue;
        }
        const std::string& callee = (*top.callees)[top.next++];
        if (visited.insert(callee).second) open(functions_.at(callee));
      }
    }
    return post;
  }

  // Functions that lock or unlock something, and every function that calls one of them; the
  // rest (most of a program) have empty summaries and need no visit.
  std::unordered_set<std::string> lock_relevant() const {
    std::unordered_set<std::string> relevant;
    std::deque<std::string> work;
    for (const FunctionIR* f : order_) {
      bool locks = false;
      for (const Block& block : f->blocks)
        for (const Op& op : block.ops)
          locks = locks || (op.kind != OpKind::call && op.kind != OpKind::forget &&
                            op.kind != OpKind::returns);
      if (locks && relevant.insert(f->usr).second) work.push_back(f->usr);
    }
    while (!work.empty()) {
      auto callers = callers_.find(work.front());
      work.pop_front();
      if (callers == callers_.end()) continue;
      for (const std::string& caller : callers->second)
        if (relevant.insert(caller).second) work.push_back(caller);
    }
    return relevant;
  }

  // Callees first: the worklist always takes the pending function earliest in a post-order of
  // the call graph, so a caller is revisited only once its callees have settled (recursion
  // included: a cycle of calls settles among itself before its callers run).
  //
  // A call that passes constants to parameters its callee branches on gets the callee's
  // summary for those values: a node of its own (the callee's key with the values), made
  // when first asked for, starting empty like any summary and revisited like the others.
  // Whoever asked for a summary is revisited when it changes.
  void summarise() {
    const std::unordered_set<std::string> relevant = lock_relevant();
    std::set<std::pair<std::size_t, std::string>> work;
    for (const FunctionIR* f : callees_first()) {
      rank_[f->usr] = rank_.size();
      nodes_[f->usr] = Node{f, {}};
      if (relevant.count(f->usr)) work.insert({rank_[f->usr], f->usr});
    }
    const FunctionSummary empty;
    const std::string* analysing = nullptr;
    ResolveCall resolve = [&](const CallTarget& call) {
      std::vector<ResolvedCallee> callees;
      for (const std::string& usr : targets(call)) {
        const std::string* base = &functions_.find(usr)->first;
        std::string key = relevant.count(usr) ? specialised_key(usr, call.constants) : usr;
        if (key != usr && nodes_.try_emplace(key, Node{functions_.at(usr), call.constants}).second)
          work.insert({rank_.at(usr), key});
        dependents_[key].insert(*analysing);
        auto it = summaries_.find(key);
        callees.push_back({base, it == summaries_.end() ? &empty : &it->second});
      }
      return callees;
    };
    while (!work.empty()) {
      const std::string key = work.begin()->second;
      work.erase(work.begin());
      const Node& node = nodes_.at(key);
      analysing = &key;
      FunctionResult result = analyse_function(*node.function, resolve, node.constants);
      FunctionSummary& summary = summaries_[key];
      const bool changed = summary != result.summary;
      if (changed) summary = std::move(result.summary);
      if (node.constants.empty()) results_[key] = std::move(result);
      if (!changed) continue;
      if (++visits_[key] > kMaxVisits) {
        facts_.notes.push_back("the summary of " + node.function->name + " did not settle after " +
                               std::to_string(kMaxVisits) +
                               " visits (recursion); its callers use the last one");
        continue;
      }
      for (const std::string& dependent : dependents_[key])
        work.insert({rank_.at(nodes_.at(dependent).function->usr), dependent});
    }
  }

  // The key of `usr`'s summary for a call passing `constants`: the usr itself unless the
  // function branches on one of the parameters given a constant.
  std::string specialised_key(const std::string& usr, const ParameterConstants& constants) {
    auto [decided, inserted] = decided_by_.try_emplace(usr);
    if (inserted)
      for (const Block& block : functions_.at(usr)->blocks)
        for (const Successor& succ : block.successors)
          for (const ParameterTest& test : succ.only_if) decided->second.insert(test.parameter);
    std::string key = usr;
    for (int parameter : decided->second)
      if (parameter < static_cast<int>(constants.size()) && constants[parameter])
        key += "|" + std::to_string(parameter) + "=" + std::to_string(*constants[parameter]);
    return key;
  }

  // Locks every known caller holds around every call: the intersection over the call sites of
  // what is held there plus the caller's own entry gates. A function nobody calls (a root, a
  // thread entry, an API) has none.
  void compute_entry_gates() {
    std::map<std::string, std::vector<std::pair<std::string, const CallRecord*>>> calls_to;
    for (const FunctionIR* f : order_)
      for (const CallRecord& record : results_[f->usr].calls)
        calls_to[record.callee_usr].emplace_back(f->usr, &record);
    std::unordered_map<std::string, std::optional<std::set<std::string>>> gates;  // nullopt: all
    for (const FunctionIR* f : order_)
      if (calls_to.count(f->usr) && !f->is_thread_entry)
        gates[f->usr] = std::nullopt;
      else
        gates[f->usr] = std::set<std::string>{};
    for (bool changed = true; changed;) {
      changed = false;
      for (const FunctionIR* f : order_) {
        if (f->is_thread_entry || !calls_to.count(f->usr)) continue;
        std::optional<std::set<std::string>> meet;
        for (const auto& [caller, record] : calls_to[f->usr]) {
          const auto& outer = gates[caller];
          if (!outer) continue;  // not known yet: the identity of the meet
          std::set<std::string> here(record->held_classes.begin(), record->held_classes.end());
          here.insert(outer->begin(), outer->end());
          if (!meet) {
            meet = std::move(here);
          } else {
            std::set<std::string> both;
            std::set_intersection(meet->begin(), meet->end(), here.begin(), here.end(),
                                  std::inserter(both, both.end()));
            meet = std::move(both);
          }
        }
        if (meet && gates[f->usr] != meet) {
          gates[f->usr] = std::move(meet);
          changed = true;
        }
      }
    }
    for (auto& [usr, g] : gates) entry_gates_[usr] = g.value_or(std::set<std::string>{});
  }

  std::unordered_map<std::string, const FunctionIR*> functions_;
  std::vector<const FunctionIR*> order_;
  std::unordered_map<std::string, std::vector<std::string>> overriders_;
  // place -> (signature, USR) of what is stored there
  std::unordered_map<std::string, std::set<std::pair<std::string, std::string>>> callables_;
  std::unordered_map<std::string, std::set<std::string>> copied_from_;  // place -> places
  std::unordered_map<std::string, std::set<std::string>> callers_;
  std::unordered_map<std::string, std::vector<std::string>> callees_;
  // A summary's subject: a function, and the constants its parameters have (none: any value).
  struct Node {
    const FunctionIR* function;
    ParameterConstants constants;
  };
  std::unordered_map<std::string, Node> nodes_;  // by summary key (specialised_key)
  std::unordered_map<std::string, std::size_t> rank_;
  std::unordered_map<std::string, std::set<int>> decided_by_;          // parameters branched on
  std::unordered_map<std::string, std::set<std::string>> dependents_;  // who used a summary
  std::unordered_map<std::string, FunctionSummary> summaries_;         // by summary key
  std::unordered_map<std::string, FunctionResult> results_;
  std::unordered_map<std::string, int> visits_;
  std::unordered_map<std::string, std::set<std::string>> entry_gates_;
  ProgramFacts facts_;
};

}  // namespace

ProgramFacts analyse_program(const std::vector<TranslationUnitIR>& units) {
  return Program(units).run();
}

ProgramFacts analyse_program_then_exit(const std::vector<TranslationUnitIR>& units) {
  return (new Program(units))->run();  // not freed, by contract: the process exits next
}

}  // namespace lockorder::analyzer
