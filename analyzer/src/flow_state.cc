#include "flow_state.h"

#include <algorithm>
#include <iterator>

namespace lockorder::analyzer::flow {

void join_into(FlowState& into, const FlowState& from) {
  if (!from.reached) return;
  if (!into.reached) {
    into = from;
    return;
  }
  for (HeldLock& h : into.held) {
    auto match = std::find_if(from.held.begin(), from.held.end(),
                              [&](const HeldLock& f) { return f.same_holding(h); });
    if (match == from.held.end()) {
      h.definite = false;
    } else {
      h.definite = h.definite && match->definite;
      h.restores = h.restores || match->restores;
      h.count = std::max(h.count, match->count);
    }
  }
  for (const HeldLock& f : from.held) {
    auto match = std::find_if(into.held.begin(), into.held.end(),
                              [&](const HeldLock& h) { return h.same_holding(f); });
    if (match == into.held.end()) {
      into.held.push_back(f);
      into.held.back().definite = false;
    }
  }
  for (const PendingTry& p : from.pending)
    if (std::find(into.pending.begin(), into.pending.end(), p) == into.pending.end())
      into.pending.push_back(p);
  for (const auto& [slot, binding] : from.slots) into.slots.emplace(slot, binding);
  std::vector<LockRef> both;
  std::set_intersection(into.released_entry.begin(), into.released_entry.end(),
                        from.released_entry.begin(), from.released_entry.end(),
                        std::back_inserter(both));
  into.released_entry = std::move(both);
  std::vector<LockRef> either;
  std::set_union(into.unrestored.begin(), into.unrestored.end(), from.unrestored.begin(),
                 from.unrestored.end(), std::back_inserter(either));
  into.unrestored = std::move(either);
  std::vector<std::pair<int, bool>> agreed;
  std::set_intersection(into.facts.begin(), into.facts.end(), from.facts.begin(), from.facts.end(),
                        std::back_inserter(agreed));
  into.facts = std::move(agreed);
  for (const Detached& d : from.detached)
    if (std::find(into.detached.begin(), into.detached.end(), d) == into.detached.end())
      into.detached.push_back(d);
}

bool holds(const ParameterTest& test, std::int64_t value) {
  switch (test.relation) {
    case ParameterTest::Relation::eq:
      return value == test.value;
    case ParameterTest::Relation::ne:
      return value != test.value;
    case ParameterTest::Relation::lt:
      return value < test.value;
    case ParameterTest::Relation::le:
      return value <= test.value;
    case ParameterTest::Relation::gt:
      return value > test.value;
    case ParameterTest::Relation::ge:
      return value >= test.value;
    case ParameterTest::Relation::any_bits:
      return (value & test.value) != 0;
    case ParameterTest::Relation::no_bits:
      return (value & test.value) == 0;
  }
  return true;
}

}  // namespace lockorder::analyzer::flow
