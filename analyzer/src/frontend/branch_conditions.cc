#include "frontend/branch_conditions.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <clang/AST/Stmt.h>
#include <clang/Analysis/CFG.h>
#include <llvm/ADT/FoldingSet.h>

#include "frontend/type_names.h"

namespace lockorder::analyzer::frontend {
namespace {

using Relation = ParameterTest::Relation;

Relation negated(Relation r) {
  switch (r) {
    case Relation::eq:
      return Relation::ne;
    case Relation::ne:
      return Relation::eq;
    case Relation::lt:
      return Relation::ge;
    case Relation::le:
      return Relation::gt;
    case Relation::gt:
      return Relation::le;
    case Relation::ge:
      return Relation::lt;
    case Relation::any_bits:
      return Relation::no_bits;
    case Relation::no_bits:
      return Relation::any_bits;
  }
  return r;
}

// `c R p` is `p mirrored(R) c`.
Relation mirrored(Relation r) {
  switch (r) {
    case Relation::lt:
      return Relation::gt;
    case Relation::le:
      return Relation::ge;
    case Relation::gt:
      return Relation::lt;
    case Relation::ge:
      return Relation::le;
    default:
      return r;
  }
}

std::optional<Relation> relation_of(clang::BinaryOperatorKind op) {
  switch (op) {
    case clang::BO_EQ:
      return Relation::eq;
    case clang::BO_NE:
      return Relation::ne;
    case clang::BO_LT:
      return Relation::lt;
    case clang::BO_LE:
      return Relation::le;
    case clang::BO_GT:
      return Relation::gt;
    case clang::BO_GE:
      return Relation::ge;
    default:
      return std::nullopt;
  }
}

// `!!x` is `x`: the expression under negations, and whether their number is odd.
const clang::Expr* without_negations(const clang::Expr* e, bool& negated_once) {
  negated_once = false;
  for (e = strip_wrappers(e); e != nullptr;) {
    const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(e);
    if (unary == nullptr || unary->getOpcode() != clang::UO_LNot) break;
    negated_once = !negated_once;
    e = strip_wrappers(unary->getSubExpr());
  }
  return e;
}

// The variable an lvalue is part of: `s` for `s.mod->flag`, `a[i].x` and `*p`'s `p`.
const clang::ValueDecl* root_variable(const clang::Expr* e) {
  while (e != nullptr) {
    e = e->IgnoreParenCasts();
    if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(e)) return ref->getDecl();
    if (const auto* member = llvm::dyn_cast<clang::MemberExpr>(e)) {
      e = member->getBase();
    } else if (const auto* subscript = llvm::dyn_cast<clang::ArraySubscriptExpr>(e)) {
      e = subscript->getBase();
    } else if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(e)) {
      e = unary->getSubExpr();
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

// The target of an assignment, ++ or --, if `s` is one.
const clang::Expr* written_by(const clang::Stmt* s) {
  if (const auto* binary = llvm::dyn_cast<clang::BinaryOperator>(s))
    return binary->isAssignmentOp() ? binary->getLHS() : nullptr;
  if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(s))
    return unary->isIncrementDecrementOp() ? unary->getSubExpr() : nullptr;
  return nullptr;
}

void collect_reads(const clang::Stmt* s, std::set<const clang::ValueDecl*>& out) {
  if (s == nullptr) return;
  if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(s)) out.insert(ref->getDecl());
  for (const clang::Stmt* child : s->children()) collect_reads(child, out);
}

}  // namespace

BranchConditions::BranchConditions(const clang::FunctionDecl& function, const clang::CFG& cfg,
                                   clang::ASTContext& context)
    : function_(function), context_(context) {
  for (const clang::CFGBlock* block : cfg)
    for (const clang::CFGElement& element : *block) {
      auto statement = element.getAs<clang::CFGStmt>();
      if (!statement) continue;
      const clang::Stmt* s = statement->getStmt();
      if (const clang::Expr* target = written_by(s)) {
        const clang::ValueDecl* root = root_variable(target);
        if (llvm::isa<clang::DeclRefExpr>(target->IgnoreParenCasts()))
          parameters_written_.insert(root);
      }
      if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(s))
        if (unary->getOpcode() == clang::UO_AddrOf)
          if (const auto* ref =
                  llvm::dyn_cast<clang::DeclRefExpr>(unary->getSubExpr()->IgnoreParenCasts()))
            parameters_written_.insert(ref->getDecl());
    }
  // Conditions tested in more than one place become facts.
  std::map<Identity, std::pair<int, const clang::Expr*>> tested;
  for (const clang::CFGBlock* block : cfg) {
    if (block->succ_size() != 2) continue;
    const auto* condition = llvm::dyn_cast_or_null<clang::Expr>(
        const_cast<clang::CFGBlock*>(block)->getTerminatorCondition());
    bool negated_once = false;
    condition = without_negations(condition, negated_once);
    if (condition == nullptr || condition->isValueDependent() ||
        condition->HasSideEffects(context_))
      continue;
    auto& [count, expr] = tested[identity(condition)];
    ++count;
    expr = condition;
  }
  for (const auto& [key, use] : tested) {
    if (use.first < 2) continue;
    const int fact = static_cast<int>(facts_.size());
    facts_[key] = fact;
    std::set<const clang::ValueDecl*> reads;
    collect_reads(use.second, reads);
    for (const clang::ValueDecl* read : reads) readers_[read].push_back(fact);
  }
}

// Structurally equal conditions (the same variables, members and operators, whatever the
// whitespace or macros that wrote them) have the same identity.
BranchConditions::Identity BranchConditions::identity(const clang::Expr* condition) const {
  llvm::FoldingSetNodeID id;
  condition->Profile(id, context_, /*Canonical=*/true);
  return id;
}

std::optional<std::int64_t> BranchConditions::constant(const clang::Expr* e,
                                                       const clang::ASTContext& context) {
  if (e == nullptr || e->isValueDependent() || e->isTypeDependent()) return std::nullopt;
  if (!e->getType()->isIntegralOrEnumerationType()) return std::nullopt;
  clang::Expr::EvalResult value;
  if (!e->EvaluateAsInt(value, context)) return std::nullopt;
  const llvm::APSInt& number = value.Val.getInt();
  if (number.getSignificantBits() > 64) return std::nullopt;
  return number.getExtValue();
}

std::optional<int> BranchConditions::parameter_index(const clang::Expr* e) const {
  const auto* ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(strip_wrappers(e));
  if (ref == nullptr || parameters_written_.count(ref->getDecl())) return std::nullopt;
  const auto* parameter = llvm::dyn_cast<clang::ParmVarDecl>(ref->getDecl());
  if (parameter == nullptr || parameter->getDeclContext() != &function_ ||
      !parameter->getType()->isIntegralOrEnumerationType())
    return std::nullopt;
  return static_cast<int>(parameter->getFunctionScopeIndex());
}

std::optional<BranchConditions::Comparison> BranchConditions::parameter_test(
    const clang::Expr* condition) const {
  if (auto index = parameter_index(condition)) return Comparison{*index, Relation::ne, 0};
  const auto* binary = llvm::dyn_cast<clang::BinaryOperator>(condition);
  if (binary == nullptr) return std::nullopt;
  if (binary->getOpcode() == clang::BO_And) {  // `flags & MASK`: some bit of MASK is set
    const clang::Expr* flags = binary->getLHS();
    std::optional<std::int64_t> mask = constant(binary->getRHS(), context_);
    if (!mask) flags = binary->getRHS(), mask = constant(binary->getLHS(), context_);
    if (auto index = parameter_index(flags); index && mask)
      return Comparison{*index, Relation::any_bits, *mask};
    return std::nullopt;
  }
  const std::optional<Relation> relation = relation_of(binary->getOpcode());
  if (!relation) return std::nullopt;
  // `(flags & MASK) == 0` and `!= 0`.
  if (*relation == Relation::eq || *relation == Relation::ne)
    for (const auto& [masked, zero] :
         {std::pair{binary->getLHS(), binary->getRHS()}, {binary->getRHS(), binary->getLHS()}}) {
      const auto* bits = llvm::dyn_cast<clang::BinaryOperator>(strip_wrappers(masked));
      const std::optional<std::int64_t> value = constant(zero, context_);
      if (bits == nullptr || bits->getOpcode() != clang::BO_And || !value || *value != 0) continue;
      if (auto inner = parameter_test(bits))
        return Comparison{inner->parameter,
                          *relation == Relation::ne ? inner->relation : negated(inner->relation),
                          inner->value};
    }
  if (auto index = parameter_index(binary->getLHS()))
    if (auto value = constant(binary->getRHS(), context_))
      return Comparison{*index, *relation, *value};
  if (auto index = parameter_index(binary->getRHS()))
    if (auto value = constant(binary->getLHS(), context_))
      return Comparison{*index, mirrored(*relation), *value};
  return std::nullopt;
}

std::vector<BranchConditions::Branch> BranchConditions::branches_of(
    const clang::CFGBlock& block) const {
  std::vector<Branch> branches(block.succ_size());
  const auto* condition = llvm::dyn_cast_or_null<clang::Expr>(
      const_cast<clang::CFGBlock&>(block).getTerminatorCondition());
  if (condition == nullptr) return branches;
  if (llvm::isa_and_nonnull<clang::SwitchStmt>(block.getTerminatorStmt()))
    return switch_branches(block, condition);
  if (block.succ_size() != 2) return branches;
  bool negated_once = false;
  const clang::Expr* tested = without_negations(condition, negated_once);
  if (tested == nullptr) return branches;
  if (auto comparison = parameter_test(tested)) {
    const Relation when_true = negated_once ? negated(comparison->relation) : comparison->relation;
    branches[0].only_if.push_back({comparison->parameter, when_true, comparison->value});
    branches[1].only_if.push_back({comparison->parameter, negated(when_true), comparison->value});
  }
  if (!tested->isValueDependent() && !tested->HasSideEffects(context_))
    if (auto fact = facts_.find(identity(tested)); fact != facts_.end()) {
      branches[0].fact = branches[1].fact = fact->second;
      branches[0].fact_value = !negated_once;
      branches[1].fact_value = negated_once;
    }
  return branches;
}

// A switch on a parameter: each case's successor is taken for its value only, the default (the
// last successor) for none of them.
std::vector<BranchConditions::Branch> BranchConditions::switch_branches(
    const clang::CFGBlock& block, const clang::Expr* condition) const {
  std::vector<Branch> branches(block.succ_size());
  const std::optional<int> parameter = parameter_index(condition);
  const auto* statement = llvm::dyn_cast<clang::SwitchStmt>(block.getTerminatorStmt());
  if (!parameter || statement == nullptr) return branches;
  std::vector<std::int64_t> values;
  for (const clang::SwitchCase* c = statement->getSwitchCaseList(); c != nullptr;
       c = c->getNextSwitchCase()) {
    const auto* label = llvm::dyn_cast<clang::CaseStmt>(c);
    if (label == nullptr) continue;
    auto value = constant(label->getLHS(), context_);
    if (!value || label->caseStmtIsGNURange()) return branches;  // ranges: left undecided
    values.push_back(*value);
  }
  std::size_t position = 0;
  for (const clang::CFGBlock::AdjacentBlock& next : block.succs()) {
    Branch& branch = branches[position++];
    const clang::CFGBlock* target = next.getReachableBlock();
    if (target == nullptr) continue;
    const auto* label = llvm::dyn_cast_or_null<clang::CaseStmt>(target->getLabel());
    if (label != nullptr && position < block.succ_size()) {
      if (auto value = constant(label->getLHS(), context_))
        branch.only_if.push_back({*parameter, Relation::eq, *value});
    } else if (position == block.succ_size()) {
      for (std::int64_t value : values) branch.only_if.push_back({*parameter, Relation::ne, value});
    }
  }
  return branches;
}

std::vector<int> BranchConditions::forgotten_by(const clang::Stmt* statement) const {
  const clang::Expr* target = written_by(statement);
  if (target == nullptr) return {};
  auto readers = readers_.find(root_variable(target));
  return readers == readers_.end() ? std::vector<int>{} : readers->second;
}

}  // namespace lockorder::analyzer::frontend
