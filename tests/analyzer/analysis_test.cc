// The analysis without Clang: hand-built function IR through the dataflow, the summaries and
// the cycle search.
#include <gtest/gtest.h>

#include <set>

#include "findings.h"
#include "function_flow.h"
#include "program_analysis.h"

namespace lockorder::analyzer {
namespace {

LockRef global(const std::string& name) {
  return LockRef{LockRef::Root::global, name, 0, {}, name};
}
LockRef param(unsigned index, std::vector<std::string> fields = {}) {
  return LockRef{LockRef::Root::parameter, "", index, std::move(fields), "p"};
}
LockRef member(const std::string& field) {
  return LockRef{LockRef::Root::object, "", 0, {field}, field};
}

Successor to(int block) {
  Successor next;
  next.block = block;
  return next;
}
Successor on_try(int block, int try_id, bool succeeded) {
  Successor next = to(block);
  next.try_id = try_id;
  next.succeeded = succeeded;
  return next;
}

// Builds one function, straight-line unless blocks are added by hand.
class FunctionBuilder {
 public:
  explicit FunctionBuilder(std::string name) {
    f_.usr = "c:@F@" + name;
    f_.name = name;
    f_.blocks.emplace_back();
  }
  FunctionBuilder& op(OpKind kind, std::vector<LockRef> locks, int slot = -1,
                      Mode mode = Mode::exclusive, bool recursive = false) {
    Op o;
    o.kind = kind;
    o.mode = mode;
    o.slot = slot;
    for (LockRef& l : locks) o.operands.push_back({std::move(l), recursive});
    o.site = {f_.name, "test.cc", ++line_, 3, 0, ""};
    f_.blocks.back().ops.push_back(std::move(o));
    return *this;
  }
  FunctionBuilder& lock(const LockRef& l) { return op(OpKind::acquire, {l}); }
  FunctionBuilder& unlock(const LockRef& l) { return op(OpKind::release, {l}); }
  FunctionBuilder& call(const std::string& callee, std::vector<std::optional<LockRef>> args = {},
                        std::optional<LockRef> object = std::nullopt) {
    Op o;
    o.kind = OpKind::call;
    o.call.usr = "c:@F@" + callee;
    o.call.name = callee;
    o.call.arguments = std::move(args);
    o.call.object = std::move(object);
    o.site = {f_.name, "test.cc", ++line_, 3, 0, ""};
    f_.blocks.back().ops.push_back(std::move(o));
    return *this;
  }
  FunctionIR& ir() { return f_; }
  operator FunctionIR() const { return f_; }

 private:
  FunctionIR f_;
  int line_ = 0;
};

Findings check(std::vector<FunctionIR> functions, FindingOptions options = {}) {
  TranslationUnitIR unit;
  unit.file = "test.cc";
  unit.functions = std::move(functions);
  return find_problems(analyse_program({unit}), options);
}

std::vector<std::string> kinds(const Findings& f) {
  std::vector<std::string> out;
  for (const report::Report& r : f.reports) out.push_back(r.kind);
  return out;
}

const LockRef A = global("A"), B = global("B"), C = global("C"), G = global("G");

TEST(Analysis, TwoFunctionsInOppositeOrdersFormACycle) {
  Findings f = check({FunctionBuilder("f").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("g").lock(B).lock(A).unlock(A).unlock(B)});
  ASSERT_EQ(kinds(f), std::vector<std::string>{"lock-order-inversion"});
  const report::Report& r = f.reports[0];
  EXPECT_EQ(r.summary, "lock-order cycle: 'A' -> 'B' -> 'A' (potential deadlock)");
  ASSERT_EQ(r.edges.size(), 2u);
  EXPECT_EQ(r.edges[0].thread, "f");
  EXPECT_EQ(r.edges[0].to_site.back().line, 2);
  EXPECT_EQ(r.edges[1].thread, "g");
}

TEST(Analysis, OneOrderEverywhereIsClean) {
  Findings f = check({FunctionBuilder("f").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("g").lock(A).lock(B).unlock(B).unlock(A)});
  EXPECT_TRUE(f.reports.empty());
}

TEST(Analysis, SequentialSectionsOrderNothing) {
  Findings f = check({FunctionBuilder("f").lock(A).unlock(A).lock(B).unlock(B),
                      FunctionBuilder("g").lock(B).lock(A).unlock(A).unlock(B)});
  EXPECT_TRUE(f.reports.empty());
}

TEST(Analysis, InnerLockInACalleeOfACallee) {
  Findings f =
      check({FunctionBuilder("leaf").lock(B).unlock(B), FunctionBuilder("middle").call("leaf"),
             FunctionBuilder("f").lock(A).call("middle").unlock(A),
             FunctionBuilder("g").lock(B).lock(A).unlock(A).unlock(B)});
  ASSERT_EQ(kinds(f), std::vector<std::string>{"lock-order-inversion"});
  // The edge A -> B goes through the whole call chain: f's call, middle's call, leaf's lock.
  const report::Edge& ab = f.reports[0].edges[0];
  ASSERT_EQ(ab.to_site.size(), 3u);
  EXPECT_EQ(ab.to_site[0].function, "leaf");
  EXPECT_EQ(ab.to_site[2].function, "f");
}

TEST(Analysis, HelperLockingItsArgumentIsSpecialisedPerCall) {
  Findings f = check({FunctionBuilder("lock_it").lock(param(0)),
                      FunctionBuilder("f").lock(A).call("lock_it", {B}).unlock(B).unlock(A),
                      FunctionBuilder("g").lock(B).call("lock_it", {A}).unlock(A).unlock(B)});
  ASSERT_EQ(kinds(f), std::vector<std::string>{"lock-order-inversion"});
}

TEST(Analysis, ThreeLockCycleOverThreeFunctions) {
  Findings f = check({FunctionBuilder("f").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("g").lock(B).lock(C).unlock(C).unlock(B),
                      FunctionBuilder("h").lock(C).lock(A).unlock(A).unlock(C)});
  ASSERT_EQ(kinds(f), std::vector<std::string>{"lock-order-inversion"});
  EXPECT_EQ(f.reports[0].summary,
            "lock-order cycle: 'A' -> 'B' -> 'C' -> 'A' (potential deadlock)");
}

TEST(Analysis, CommonGateLockMeansNoDeadlock) {
  Findings f = check(
      {FunctionBuilder("f").lock(G).lock(A).lock(B), FunctionBuilder("g").lock(G).lock(B).lock(A)});
  EXPECT_TRUE(f.reports.empty());
}

TEST(Analysis, GateHeldByEveryCallerOfTheHelpers) {
  Findings f = check({FunctionBuilder("ab").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("ba").lock(B).lock(A).unlock(A).unlock(B),
                      FunctionBuilder("f").lock(G).call("ab").unlock(G),
                      FunctionBuilder("g").lock(G).call("ba").unlock(G)});
  EXPECT_TRUE(f.reports.empty());
}

TEST(Analysis, LockTogetherOrdersNothingAmongItsArguments) {
  Findings f = check({FunctionBuilder("f").op(OpKind::acquire, {A, B}),
                      FunctionBuilder("g").op(OpKind::acquire, {B, A})});
  EXPECT_TRUE(f.reports.empty());
}

TEST(Analysis, CalleeThatReleasesFirstOrdersNothing) {
  Findings f = check({FunctionBuilder("swap").unlock(A).lock(B).unlock(B),
                      FunctionBuilder("f").lock(A).call("swap"),
                      FunctionBuilder("g").lock(B).lock(A).unlock(A).unlock(B)});
  EXPECT_TRUE(f.reports.empty());
}

TEST(Analysis, DoubleLockDirectAndThroughACallee) {
  Findings direct = check({FunctionBuilder("f").lock(A).lock(A)});
  EXPECT_EQ(kinds(direct), std::vector<std::string>{"double-lock"});
  Findings callee = check({FunctionBuilder("take").lock(A).unlock(A),
                           FunctionBuilder("f").lock(A).call("take").unlock(A)});
  EXPECT_EQ(kinds(callee), std::vector<std::string>{"double-lock"});
}

TEST(Analysis, RecursiveLockReentersDirectlyAndThroughACallee) {
  FunctionBuilder take("take");
  take.op(OpKind::acquire, {A}, -1, Mode::exclusive, true).op(OpKind::release, {A});
  FunctionBuilder f("f");
  f.op(OpKind::acquire, {A}, -1, Mode::exclusive, true)
      .op(OpKind::acquire, {A}, -1, Mode::exclusive, true)
      .call("take");
  EXPECT_TRUE(check({take, f}).reports.empty());
}

TEST(Analysis, GuardReleasesAtItsEndAndCanUnlockEarly) {
  // guard(A); unlock; lock B; relock guard; end.  Elsewhere B then A: no cycle, A is not held
  // when B is taken... but relocking A while B is held makes B -> A, which with nothing else
  // is fine.
  FunctionBuilder f("f");
  f.op(OpKind::guard_acquire, {A}, 0)
      .op(OpKind::guard_unlock, {}, 0)
      .lock(B)
      .op(OpKind::guard_acquire, {}, 0)
      .unlock(B)
      .op(OpKind::guard_end, {}, 0)
      .lock(B)
      .unlock(B);
  FunctionBuilder g("g");
  g.lock(A).lock(B).unlock(B).unlock(A);
  EXPECT_EQ(kinds(check({f, g})), std::vector<std::string>{"lock-order-inversion"});
  FunctionBuilder h("h");
  h.lock(B).lock(A).unlock(A).unlock(B);
  EXPECT_TRUE(check({f, h}).reports.empty());
}

TEST(Analysis, DeferredGuardHoldsNothingUntilLocked) {
  FunctionBuilder f("f");
  f.op(OpKind::guard_defer, {A}, 0).lock(B).unlock(B).op(OpKind::guard_end, {}, 0);
  FunctionBuilder g("g");
  g.lock(B).lock(A);
  EXPECT_TRUE(check({f, g}).reports.empty());
  FunctionBuilder twice("twice");
  twice.lock(A).op(OpKind::guard_defer, {A}, 0).op(OpKind::guard_acquire, {}, 0);
  EXPECT_EQ(kinds(check({twice})), std::vector<std::string>{"double-lock"});
}

TEST(Analysis, TryLockHoldsOnlyWhereItSucceeded) {
  // if (B.try_lock()) { ... } with A held: no edge into B; a lock taken after a successful
  // try is ordered after it.
  FunctionIR f = FunctionBuilder("f").lock(A);
  Op attempt;
  attempt.kind = OpKind::try_acquire;
  attempt.operands = {{B, false}};
  attempt.try_id = 7;
  f.blocks[0].ops.push_back(attempt);
  f.blocks[0].successors = {on_try(1, 7, true), on_try(2, 7, false)};
  f.blocks.resize(3);
  Op c;
  c.kind = OpKind::acquire;
  c.operands = {{C, false}};
  f.blocks[1].ops.push_back(c);  // success: B held, then C
  Findings only_try = check({f, FunctionBuilder("g").lock(B).lock(A)});
  EXPECT_TRUE(only_try.reports.empty());
  Findings after_try = check({f, FunctionBuilder("g").lock(C).lock(B)});
  EXPECT_EQ(kinds(after_try), std::vector<std::string>{"lock-order-inversion"});
  // On the failure branch B is not held: C then B elsewhere is fine if only that branch
  // takes C.
  f.blocks[1].ops.clear();
  f.blocks[2].ops.push_back(c);
  EXPECT_TRUE(check({f, FunctionBuilder("g").lock(C).lock(B)}).reports.empty());
}

// `if (...) lock(first); lock(then);` as one function: `first` is held on some paths only when
// `then` is taken.
FunctionIR lock_in_one_branch(const std::string& name, const LockRef& first, const LockRef& then) {
  FunctionIR f;
  f.usr = "c:@F@" + name;
  f.name = name;
  f.blocks.resize(3);
  f.blocks[0].successors = {to(1), to(2)};
  Op a;
  a.kind = OpKind::acquire;
  a.operands = {{first, false}};
  a.site = {name, "test.cc", 40, 3, 0, ""};
  f.blocks[1].ops.push_back(a);
  f.blocks[1].successors = {to(2)};
  Op b = a;
  b.operands = {{then, false}};
  b.site.line = 41;
  f.blocks[2].ops.push_back(b);
  return f;
}

TEST(Analysis, MaybeHeldOrdersButNeverDoubleLocks) {
  EXPECT_TRUE(check({lock_in_one_branch("f", A, A)}).reports.empty());
}

TEST(Analysis, VirtualCallReachesOverriders) {
  FunctionIR base = FunctionBuilder("Base::run");
  FunctionIR derived = FunctionBuilder("Derived::run").lock(B).unlock(B);
  derived.overrides = {base.usr};
  FunctionIR f = FunctionBuilder("f").lock(A).call("Base::run").unlock(A);
  f.blocks[0].ops[1].call.is_virtual = true;
  Findings found = check({base, derived, f, FunctionBuilder("g").lock(B).lock(A)});
  EXPECT_EQ(kinds(found), std::vector<std::string>{"lock-order-inversion"});
}

TEST(Analysis, MembersAreComparedByClassAcrossObjects) {
  const LockRef account = member("Account::mu"), bank = member("Bank::mu");
  FunctionIR deposit = FunctionBuilder("Account::deposit").lock(account).unlock(account);
  FunctionIR audit =
      FunctionBuilder("Bank::audit").lock(bank).call("Account::deposit", {}, param(0)).unlock(bank);
  FunctionIR report = FunctionBuilder("Account::report")
                          .lock(account)
                          .call("Bank::touch", {}, param(0))
                          .unlock(account);
  FunctionIR touch = FunctionBuilder("Bank::touch").lock(bank).unlock(bank);
  Findings f = check({deposit, audit, report, touch});
  ASSERT_EQ(kinds(f), std::vector<std::string>{"lock-order-inversion"});
  EXPECT_EQ(f.reports[0].summary,
            "lock-order cycle: 'Account::mu' -> 'Bank::mu' -> 'Account::mu' (potential deadlock)");
}

TEST(Analysis, TwoInstancesOfOneClassAreNotADoubleLock) {
  // Nor a cycle: only the opt-in instance-order rule (which the tool filters) speaks of them,
  // and not when the function puts them in order by address.
  const LockRef from = param(0, {"Account::mu"}), to = param(1, {"Account::mu"});
  FunctionIR transfer = FunctionBuilder("transfer").lock(from).lock(to);
  EXPECT_EQ(kinds(check({transfer})), std::vector<std::string>{"instance-order"});
  transfer.orders_instances = true;
  EXPECT_TRUE(check({transfer}).reports.empty());
}

TEST(Analysis, SuppressedAcquisitionLeavesTheGraph) {
  FunctionIR f = FunctionBuilder("f").lock(A).lock(B);
  f.blocks[0].ops[1].suppressed = true;
  EXPECT_TRUE(check({f, FunctionBuilder("g").lock(B).lock(A)}).reports.empty());
}

TEST(Analysis, DeclaredOrderViolated) {
  TranslationUnitIR unit;
  unit.functions = {FunctionBuilder("f").lock(B).lock(A)};
  unit.orders = {{"A", "B", {}}};
  Findings f = find_problems(analyse_program({unit}), {});
  EXPECT_EQ(kinds(f), std::vector<std::string>{"lock-hierarchy"});
}

TEST(Analysis, DeclaredOrderHoldsTransitively) {
  TranslationUnitIR unit;
  unit.functions = {FunctionBuilder("f").lock(C).lock(A)};
  unit.orders = {{"A", "B", {}}, {"B", "C", {}}};  // A before B before C
  Findings f = find_problems(analyse_program({unit}), {});
  ASSERT_EQ(kinds(f), std::vector<std::string>{"lock-hierarchy"});
  EXPECT_EQ(f.reports[0].sites.size(), 2u);  // both declarations shown
}

TEST(Analysis, RecursionSettles) {
  FunctionIR f = FunctionBuilder("f").lock(A).call("f").unlock(A);
  Findings found = check({f});
  EXPECT_EQ(kinds(found), std::vector<std::string>{"double-lock"});
}

// Two inverted pairs that share a lock (A <-> B, B <-> C) are one component: one finding, its
// shortest cycle first, every edge once, the other pair named.
TEST(Analysis, InvertedPairsThatShareALockAreOneFinding) {
  Findings f = check({FunctionBuilder("f").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("g").lock(B).lock(A).unlock(A).lock(C).unlock(C).unlock(B),
                      FunctionBuilder("h").lock(C).lock(B).unlock(B).unlock(C)});
  ASSERT_EQ(f.reports.size(), 1u);
  const report::Report& r = f.reports[0];
  EXPECT_EQ(r.summary,
            "lock-order cycle: 'A' -> 'B' -> 'A', and 1 more among 3 locks (potential deadlock)");
  EXPECT_EQ(r.cycle.size(), 2u);
  ASSERT_EQ(r.edges.size(), 4u);
  std::set<std::pair<std::string, std::string>> edges;
  for (const report::Edge& e : r.edges) edges.insert({r.locks[e.from].label, r.locks[e.to].label});
  EXPECT_EQ(edges, (std::set<std::pair<std::string, std::string>>{
                       {"A", "B"}, {"B", "A"}, {"B", "C"}, {"C", "B"}}));
  EXPECT_EQ(r.locks[r.edges[0].from].label, "A");  // the primary cycle's edges come first
  EXPECT_EQ(r.locks[r.edges[1].from].label, "B");
  EXPECT_NE(r.hint.find("one per inverted pair: 'A' -> 'B' -> 'A'; 'B' -> 'C' -> 'B'."),
            std::string::npos)
      << r.hint;
}

// Locks with no lock in common are two decisions: two findings.
TEST(Analysis, SeparateComponentsAreSeparateFindings) {
  Findings f = check({FunctionBuilder("f").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("g").lock(B).lock(A).unlock(A).unlock(B),
                      FunctionBuilder("h").lock(C).lock(G).unlock(G).unlock(C),
                      FunctionBuilder("i").lock(G).lock(C).unlock(C).unlock(G)});
  ASSERT_EQ(f.reports.size(), 2u);
  EXPECT_EQ(f.reports[0].summary, "lock-order cycle: 'A' -> 'B' -> 'A' (potential deadlock)");
  EXPECT_EQ(f.reports[1].summary, "lock-order cycle: 'C' -> 'G' -> 'C' (potential deadlock)");
}

// Every pair of three locks taken in both orders: five elementary cycles (three pairs, two rings
// of three), one decision: one finding with the three pairs' shortest cycles, saying how many
// cycles there are and that no single edge breaks them all.
TEST(Analysis, OneFindingPerComponentNotPerElementaryCycle) {
  Findings f = check({FunctionBuilder("ab").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("ba").lock(B).lock(A).unlock(A).unlock(B),
                      FunctionBuilder("bc").lock(B).lock(C).unlock(C).unlock(B),
                      FunctionBuilder("cb").lock(C).lock(B).unlock(B).unlock(C),
                      FunctionBuilder("ac").lock(A).lock(C).unlock(C).unlock(A),
                      FunctionBuilder("ca").lock(C).lock(A).unlock(A).unlock(C)});
  ASSERT_EQ(f.reports.size(), 1u);
  const report::Report& r = f.reports[0];
  EXPECT_EQ(r.locks.size(), 3u);
  EXPECT_EQ(r.edges.size(), 6u);
  EXPECT_NE(r.hint.find("These 3 locks are in 5 cycles (3 inverted pairs)"), std::string::npos)
      << r.hint;
  EXPECT_NE(r.hint.find("No single edge breaks them all"), std::string::npos) << r.hint;
}

// A group leads with a cycle whose outer locks are held on every path; an edge from a lock held
// on some paths only says so. Here A -> B is taken only after `if (...) lock(A)`.
TEST(Analysis, AGroupLeadsWithItsCertainCycle) {
  const FunctionIR maybe = lock_in_one_branch("maybe", A, B);
  Findings f = check({maybe, FunctionBuilder("ba").lock(B).lock(A).unlock(A).unlock(B),
                      FunctionBuilder("bc").lock(B).lock(C).unlock(C).unlock(B),
                      FunctionBuilder("cb").lock(C).lock(B).unlock(B).unlock(C)});
  ASSERT_EQ(f.reports.size(), 1u);
  const report::Report& r = f.reports[0];
  // 'A' -> 'B' -> 'A' sorts first by name, but its A -> B is held on some paths only.
  EXPECT_EQ(r.summary,
            "lock-order cycle: 'B' -> 'C' -> 'B', and 1 more among 3 locks (potential deadlock)");
  bool noted = false;
  for (const report::Edge& e : r.edges)
    if (r.locks[e.from].label == "A")
      noted = e.note == "held on some paths only";
    else
      EXPECT_EQ(e.note, "") << r.locks[e.from].label;
  EXPECT_TRUE(noted);
}

// A ring of three: one finding, and any of its edges, fixed, breaks it.
TEST(Analysis, AComponentSaysWhichEdgesToFix) {
  Findings f = check({FunctionBuilder("f").lock(A).lock(B).unlock(B).unlock(A),
                      FunctionBuilder("g").lock(B).lock(C).unlock(C).unlock(B),
                      FunctionBuilder("h").lock(C).lock(A).unlock(A).unlock(C)});
  ASSERT_EQ(f.reports.size(), 1u);
  const std::string& hint = f.reports[0].hint;
  EXPECT_NE(hint.find("Fix one of these and none is left:"), std::string::npos) << hint;
  EXPECT_NE(hint.find("'A' -> 'B' (in f)"), std::string::npos) << hint;
  EXPECT_NE(hint.find("'B' -> 'C' (in g)"), std::string::npos) << hint;
  EXPECT_NE(hint.find("'C' -> 'A' (in h)"), std::string::npos) << hint;
}

// A lock a callee reaches through a chain of members from its own local variable is, to every
// caller, its class and the field that holds it: the summary keeps it as one lock (with at most
// kMaxPathsPerLock paths), however many chains lead there. A lock member of a named object
// keeps its one field.
TEST(Analysis, ChainsFromALocalToOneLockAreOneLockForCallers) {
  auto from_local = [](std::vector<std::string> fields) {
    LockRef lock{LockRef::Root::local, "walk::it", 0, {}, "it->...->mu"};
    for (std::size_t i = 0; i < fields.size(); ++i)
      lock.append_field(fields[i], i + 1 == fields.size());
    return lock;
  };
  FunctionBuilder walk("walk");
  for (const char* side : {"Iter::left", "Iter::middle", "Iter::right"}) {
    const LockRef chained = from_local({side, "Node::owner", "Owner::mu"});
    walk.lock(chained);
  }
  const LockRef named = from_local({"Owner::mu"});
  walk.lock(named);
  const FunctionResult result =
      analyse_function(walk, [](const CallTarget&) { return std::vector<ResolvedCallee>{}; });
  ASSERT_EQ(result.summary.acquisitions.size(), kMaxPathsPerLock + 1);
  for (std::size_t i = 0; i < kMaxPathsPerLock; ++i) {
    const LockRef& chained = result.summary.acquisitions[i].operand.lock;
    EXPECT_EQ(chained.fields, (std::vector<std::string>{"Node::owner", "Owner::mu"}));
    EXPECT_EQ(chained.lock_class(), "Owner::mu");
    EXPECT_EQ(chained.name, "walk::it");
  }
  EXPECT_EQ(result.summary.acquisitions.back().operand.lock, named);
}

}  // namespace
}  // namespace lockorder::analyzer
