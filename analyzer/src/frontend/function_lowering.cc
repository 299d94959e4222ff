#include "frontend/function_lowering.h"

#include <set>

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/PrettyPrinter.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Index/USRGeneration.h>
#include <llvm/Support/raw_ostream.h>

#include "frontend/branch_conditions.h"
#include "frontend/callable_stores.h"
#include "frontend/lock_api.h"
#include "frontend/type_names.h"
#include "frontend/usr.h"

namespace lockorder::analyzer::frontend {
namespace {

bool is_zero(const clang::Expr* e, clang::ASTContext& context) {
  if (e->isValueDependent()) return false;
  if (e->isNullPointerConstant(context, clang::Expr::NPC_ValueDependentIsNotNull) !=
      clang::Expr::NPCK_NotNull)
    return true;
  clang::Expr::EvalResult value;
  return e->EvaluateAsInt(value, context) && value.Val.getInt() == 0;
}

// Whether a statement compares two pointers by order (`if (this < &other)`, `a < b`): the way
// code takes two locks of one class in a canonical order.
bool compares_addresses(const clang::Stmt* body) {
  struct Finder : clang::RecursiveASTVisitor<Finder> {
    bool VisitBinaryOperator(clang::BinaryOperator* op) {
      found = found || (op->isRelationalOp() && op->getLHS()->getType()->isPointerType() &&
                        op->getRHS()->getType()->isPointerType());
      return !found;
    }
    bool TraverseLambdaExpr(clang::LambdaExpr*) { return true; }
    bool found = false;
  } finder;
  finder.TraverseStmt(const_cast<clang::Stmt*>(body));
  return finder.found;
}

// Finds the calls whose result a statement stores in a local variable (`x = f();`,
// `T* x = f();`).
class ResultFinder : public clang::RecursiveASTVisitor<ResultFinder> {
 public:
  explicit ResultFinder(std::map<const clang::Expr*, const clang::VarDecl*>& out) : out_(out) {}
  bool VisitVarDecl(clang::VarDecl* var) {
    if (var->hasLocalStorage() && var->getInit() != nullptr) note(var->getInit(), var);
    return true;
  }
  bool VisitBinaryOperator(clang::BinaryOperator* op) {
    if (op->getOpcode() != clang::BO_Assign) return true;
    if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(op->getLHS()->IgnoreParenImpCasts()))
      if (const auto* var = llvm::dyn_cast<clang::VarDecl>(ref->getDecl());
          var != nullptr && var->hasLocalStorage())
        note(op->getRHS(), var);
    return true;
  }
  bool TraverseLambdaExpr(clang::LambdaExpr*) { return true; }  // lowered on their own

 private:
  void note(const clang::Expr* value, const clang::VarDecl* var) {
    value = strip_wrappers(value);
    if (const auto* cast = llvm::dyn_cast_or_null<clang::CastExpr>(value))  // (T*) f()
      value = strip_wrappers(cast->getSubExpr());
    if (llvm::isa_and_nonnull<clang::CallExpr>(value)) out_[value] = var;
  }
  std::map<const clang::Expr*, const clang::VarDecl*>& out_;
};

// Finds the variables whose initialiser is a construction, so that the construction element
// knows which variable it makes.
class InitialiserFinder : public clang::RecursiveASTVisitor<InitialiserFinder> {
 public:
  explicit InitialiserFinder(std::map<const clang::CXXConstructExpr*, const clang::VarDecl*>& out)
      : out_(out) {}
  bool VisitVarDecl(clang::VarDecl* var) {
    if (const auto* construct =
            llvm::dyn_cast_or_null<clang::CXXConstructExpr>(strip_wrappers(var->getInit())))
      out_[construct] = var;
    return true;
  }
  bool TraverseLambdaExpr(clang::LambdaExpr*) { return true; }  // lowered on their own

 private:
  std::map<const clang::CXXConstructExpr*, const clang::VarDecl*>& out_;
};

// Blocks in reverse post-order from the entry, then any unreachable ones: a guard's constructor
// (which makes its slot) dominates its destructors, so it is lowered first.
std::vector<const clang::CFGBlock*> reverse_post_order(const clang::CFG& cfg) {
  std::vector<const clang::CFGBlock*> post;
  std::set<unsigned> seen;
  std::vector<std::pair<const clang::CFGBlock*, clang::CFGBlock::const_succ_iterator>> stack;
  auto visit = [&](const clang::CFGBlock* b) {
    if (b != nullptr && seen.insert(b->getBlockID()).second) stack.emplace_back(b, b->succ_begin());
  };
  visit(&cfg.getEntry());
  while (!stack.empty()) {
    auto& [block, next] = stack.back();
    if (next == block->succ_end()) {
      post.push_back(block);
      stack.pop_back();
      continue;
    }
    const clang::CFGBlock* succ = next->getReachableBlock();
    ++next;
    visit(succ);
  }
  std::vector<const clang::CFGBlock*> order(post.rbegin(), post.rend());
  for (const clang::CFGBlock* block : cfg)
    if (!seen.count(block->getBlockID())) order.push_back(block);
  return order;
}

}  // namespace

FunctionLowering::FunctionLowering(const clang::FunctionDecl& function, clang::ASTContext& context,
                                   const LockApis& apis)
    : function_(function),
      context_(context),
      apis_(apis),
      paths_(&function, context),
      name_(function.getQualifiedNameAsString()) {}

FunctionIR FunctionLowering::lower() {
  FunctionIR ir;
  ir.usr = usr_of(&function_);
  ir.name = name_;
  if (const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&function_))
    for (const clang::CXXMethodDecl* base : method->overridden_methods())
      ir.overrides.push_back(usr_of(base));
  clang::Stmt* body = function_.getBody();
  if (body == nullptr) return ir;
  clang::CFG::BuildOptions options;
  options.setAllAlwaysAdd();
  options.AddImplicitDtors = true;
  options.AddInitializers = true;
  options.AddTemporaryDtors = true;
  std::unique_ptr<clang::CFG> cfg = clang::CFG::buildCFG(&function_, body, &context_, options);
  if (!cfg) return ir;
  InitialiserFinder(constructed_).TraverseStmt(body);
  ResultFinder(results_).TraverseStmt(body);
  if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructorDecl>(&function_))
    for (const clang::CXXCtorInitializer* init : ctor->inits())
      if (init->getMember() != nullptr && init->getInit() != nullptr)
        member_initialisers_.insert(strip_wrappers(init->getInit()));
  const BranchConditions conditions(function_, *cfg, context_);
  conditions_ = &conditions;
  ir.orders_instances = compares_addresses(body);

  // IR block 0 is the entry; the others follow in Clang's order.
  std::map<unsigned, int> index;
  index[cfg->getEntry().getBlockID()] = 0;
  for (const clang::CFGBlock* block : *cfg)
    index.try_emplace(block->getBlockID(), static_cast<int>(index.size()));
  ir.blocks.resize(index.size());
  for (const clang::CFGBlock* block : reverse_post_order(*cfg)) {
    block_ = &ir.blocks[index.at(block->getBlockID())];
    const clang::Stmt* last = block->getTerminatorStmt();
    for (const clang::CFGElement& element : *block) {
      if (auto statement = element.getAs<clang::CFGStmt>()) {
        last = statement->getStmt();
        lower_statement(last);
      } else if (auto dtor = element.getAs<clang::CFGAutomaticObjDtor>()) {
        lower_destructor(dtor->getVarDecl(), dtor->getTriggerStmt());
      }
    }
    std::optional<Test> test;
    if (block->succ_size() == 2)
      if (const auto* condition = llvm::dyn_cast_or_null<clang::Expr>(
              const_cast<clang::CFGBlock*>(block)->getTerminatorCondition()))
        test = test_of(condition);
    const std::vector<BranchConditions::Branch> branches = conditions.branches_of(*block);
    int position = 0;
    for (const clang::CFGBlock::AdjacentBlock& next : block->succs()) {
      const clang::CFGBlock* reachable = next.getReachableBlock();
      const int branch = position++;
      if (reachable == nullptr) continue;
      Successor succ;
      succ.block = index.at(reachable->getBlockID());
      if (test) {
        succ.try_id = test->try_id;
        succ.slot = test->slot;
        succ.succeeded = (branch == 0) == test->true_means_success;
      }
      succ.only_if = branches[branch].only_if;
      succ.fact = branches[branch].fact;
      succ.fact_value = branches[branch].fact_value;
      block_->successors.push_back(succ);
    }
  }
  conditions_ = nullptr;
  return ir;
}

void FunctionLowering::lower_statement(const clang::Stmt* statement) {
  if (std::vector<int> stale = conditions_->forgotten_by(statement); !stale.empty()) {
    Op forget;
    forget.kind = OpKind::forget;
    forget.facts = std::move(stale);
    emit(std::move(forget), statement);
  }
  if (const auto* call = llvm::dyn_cast<clang::CallExpr>(statement)) {
    if (!apis_.lower_call(*call, *this)) emit_call(*call);
    return;
  }
  if (const auto* construct = llvm::dyn_cast<clang::CXXConstructExpr>(statement)) {
    auto it = constructed_.find(construct);
    const clang::VarDecl* var = it == constructed_.end() ? nullptr : it->second;
    if (!apis_.lower_construct(*construct, var, *this)) emit_constructor_call(*construct, var);
    return;
  }
  if (const auto* ret = llvm::dyn_cast<clang::ReturnStmt>(statement)) {
    lower_return(ret);
    return;
  }
  // `bool ok = m.try_lock();` and `ok = m.try_lock();`: a branch may test `ok` later.
  auto remember = [&](const clang::VarDecl* var, const clang::Expr* value) {
    if (var == nullptr || value == nullptr) return;
    auto it = try_calls_.find(strip_wrappers(value));
    if (it != try_calls_.end()) {
      try_variables_[var] = it->second;
    } else {
      try_variables_.erase(var);  // `hold = NULL;`: no longer an attempt's result
    }
  };
  if (const auto* declaration = llvm::dyn_cast<clang::DeclStmt>(statement)) {
    for (const clang::Decl* d : declaration->decls())
      if (const auto* var = llvm::dyn_cast<clang::VarDecl>(d)) remember(var, var->getInit());
  } else if (const auto* assign = llvm::dyn_cast<clang::BinaryOperator>(statement)) {
    if (assign->getOpcode() == clang::BO_Assign)
      if (const auto* target = llvm::dyn_cast<clang::DeclRefExpr>(strip_wrappers(assign->getLHS())))
        remember(llvm::dyn_cast<clang::VarDecl>(target->getDecl()), assign->getRHS());
  }
}

// What a caller can tell of the value: a constant zero or null, another constant, or unknown;
// and the lock it points or refers to, if it names one.
void FunctionLowering::lower_return(const clang::ReturnStmt* ret) {
  const clang::Expr* value = ret->getRetValue();
  if (value == nullptr) return;
  Op op;
  op.kind = OpKind::returns;
  if (is_zero(value, context_)) {
    op.returned = ReturnValue::zero;
  } else if (BranchConditions::constant(value, context_)) {
    op.returned = ReturnValue::nonzero;
  }
  const clang::QualType type = function_.getReturnType();
  if (type->isPointerType() || type->isReferenceType())
    if (auto lock = paths_.of(value)) op.operands.push_back({*lock, false});
  if (op.returned == ReturnValue::unknown && op.operands.empty()) return;
  emit(std::move(op), ret);
}

void FunctionLowering::lower_destructor(const clang::VarDecl* var, const clang::Stmt* where) {
  // A scope's end destroys it (a return or a jump: their statement's start is the place).
  const bool at_end = llvm::isa_and_nonnull<clang::CompoundStmt>(where);
  if (auto it = at_destruction_.find(var); it != at_destruction_.end()) {
    for (const Op& op : it->second) emit(op, where, at_end);
    return;
  }
  if (auto it = slots_.find(var); it != slots_.end()) {
    Op end;
    end.kind = OpKind::guard_end;
    end.slot = it->second;
    emit(std::move(end), where, at_end);
    return;
  }
  // A user's RAII object: its destructor's summary says what it releases.
  const clang::CXXRecordDecl* record = var->getType()->getAsCXXRecordDecl();
  if (record == nullptr || !record->hasDefinition()) return;
  const clang::CXXDestructorDecl* dtor = record->getDestructor();
  if (dtor == nullptr || dtor->isTrivial() ||
      context_.getSourceManager().isInSystemHeader(dtor->getLocation()))
    return;
  Op call;
  call.kind = OpKind::call;
  call.call.usr = usr_of(dtor);
  call.call.name = dtor->getQualifiedNameAsString();
  call.call.kind = CallTarget::Kind::destructor;
  call.call.object = paths_.of_decl(var);
  if (auto bound = bound_members_.find(var); bound != bound_members_.end())
    call.call.bound_members = bound->second;
  call.call.ends_holds = dtor->isImplicit();
  emit(std::move(call), where, at_end);
}

void FunctionLowering::emit(Op op, const clang::Stmt* where, bool at_end) {
  if (block_ == nullptr) return;
  const clang::SourceLocation location = where == nullptr ? function_.getBodyRBrace()
                                         : at_end         ? where->getEndLoc()
                                                          : where->getBeginLoc();
  op.site = site_at(location);
  op.suppressed = op.suppressed || suppressed_at(location);
  block_->ops.push_back(std::move(op));
}

void FunctionLowering::end_if_temporary(const clang::VarDecl* var, int slot,
                                        const clang::Stmt* where) {
  if (var != nullptr) return;
  Op end;
  // A guard member made by a constructor's initialiser outlives the constructor: its locks
  // stay held for the object (whose destruction ends them), not for a slot of this function.
  end.kind = member_initialisers_.count(where) ? OpKind::guard_disown : OpKind::guard_end;
  end.slot = slot;
  emit(std::move(end), where);
}

void FunctionLowering::at_destruction(const clang::VarDecl* var, std::vector<Op> ops,
                                      const clang::Stmt* where) {
  if (var == nullptr) {
    for (Op& op : ops) emit(std::move(op), where);
    return;
  }
  at_destruction_[var] = std::move(ops);
}

int FunctionLowering::slot_for(const clang::VarDecl* var) {
  auto [it, inserted] = slots_.try_emplace(var, next_slot_);
  if (inserted) ++next_slot_;
  return it->second;
}

std::optional<int> FunctionLowering::slot_of(const clang::Expr* expr) const {
  expr = strip_wrappers(expr);
  if (const auto* call = llvm::dyn_cast_or_null<clang::CallExpr>(expr))  // std::move(lock)
    if (call->getNumArgs() == 1 && call->getDirectCallee() != nullptr &&
        call->getDirectCallee()->isInStdNamespace())
      expr = strip_wrappers(call->getArg(0));
  const auto* ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(expr);
  if (ref == nullptr) return std::nullopt;
  auto it = slots_.find(llvm::dyn_cast<clang::VarDecl>(ref->getDecl()));
  if (it == slots_.end()) return std::nullopt;
  return it->second;
}

int FunctionLowering::try_call(const clang::Expr* call, bool zero_is_success) {
  const int id = next_try_++;
  try_calls_[strip_wrappers(call)] = {id, zero_is_success};
  return id;
}

void FunctionLowering::emit_call(const clang::CallExpr& call) {
  if (emit_indirect_call(call)) return;
  const clang::FunctionDecl* callee = call.getDirectCallee();
  if (callee == nullptr) return;
  callee = callee->getCanonicalDecl();
  if (context_.getSourceManager().isInSystemHeader(callee->getLocation())) return;
  Op op;
  op.kind = OpKind::call;
  op.call.usr = usr_of(callee);
  op.call.name = callee->getQualifiedNameAsString();
  unsigned first_argument = 0;
  if (const auto* member = llvm::dyn_cast<clang::CXXMemberCallExpr>(&call)) {
    op.call.object = paths_.of(member->getImplicitObjectArgument());
    const auto* method = member->getMethodDecl();
    const auto* callee_expr =
        llvm::dyn_cast<clang::MemberExpr>(member->getCallee()->IgnoreParenImpCasts());
    op.call.is_virtual = method != nullptr && method->isVirtual() &&
                         (callee_expr == nullptr || !callee_expr->hasQualifier());
  } else if (const auto* op_call = llvm::dyn_cast<clang::CXXOperatorCallExpr>(&call)) {
    if (llvm::isa<clang::CXXMethodDecl>(callee) && op_call->getNumArgs() > 0) {
      op.call.object = paths_.of(op_call->getArg(0));
      first_argument = 1;
    }
  }
  for (unsigned i = first_argument; i < call.getNumArgs(); ++i) {
    op.call.arguments.push_back(paths_.of(call.getArg(i)));
    op.call.constants.push_back(BranchConditions::constant(call.getArg(i), context_));
  }
  // A branch may test the result (a callee that returns holding a lock only with some
  // results), directly or through the variable that stores it.
  if (!callee->getReturnType()->isVoidType()) op.try_id = try_call(&call, false);
  if (auto stored = results_.find(&call); stored != results_.end())
    op.result = paths_.of_decl(stored->second);
  emit(std::move(op), &call);
}

// A call through a function pointer, a member-function pointer or a std::function: a call op
// the program analysis resolves by signature.
bool FunctionLowering::emit_indirect_call(const clang::CallExpr& call) {
  std::string signature;
  const clang::Expr* through = call.getCallee();
  unsigned first_argument = 0;
  if (const auto* op_call = llvm::dyn_cast<clang::CXXOperatorCallExpr>(&call)) {
    const clang::CXXRecordDecl* record = record_of(op_call->getArg(0));
    const auto* function = llvm::dyn_cast_or_null<clang::ClassTemplateSpecializationDecl>(record);
    if (op_call->getOperator() != clang::OO_Call || function == nullptr ||
        !is_std(function, "function") || function->getTemplateArgs().size() != 1)
      return false;
    signature = callable_signature(function->getTemplateArgs()[0].getAsType());
    through = op_call->getArg(0);
    first_argument = 1;
  } else if (call.getDirectCallee() == nullptr) {
    const clang::Expr* callee = strip_wrappers(call.getCallee());
    if (const auto* member = llvm::dyn_cast<clang::BinaryOperator>(callee);
        member != nullptr && member->isPtrMemOp()) {
      signature = callable_signature(member->getRHS()->getType());
      through = member->getRHS();
    } else {
      signature = callable_signature(callee->getType());
      through = callee;
    }
  } else {
    return false;
  }
  if (signature.empty()) return false;
  Op op;
  op.kind = OpKind::call;
  op.call.indirect = true;
  op.call.signature = signature;
  op.call.place = place_key(through);
  std::string spelling;
  llvm::raw_string_ostream out(spelling);
  through->printPretty(out, nullptr, clang::PrintingPolicy(context_.getLangOpts()));
  op.call.name = spelling;
  for (unsigned i = first_argument; i < call.getNumArgs(); ++i) {
    op.call.arguments.push_back(paths_.of(call.getArg(i)));
    op.call.constants.push_back(BranchConditions::constant(call.getArg(i), context_));
  }
  emit(std::move(op), &call);
  return true;
}

void FunctionLowering::emit_constructor_call(const clang::CXXConstructExpr& construct,
                                             const clang::VarDecl* var) {
  const clang::CXXConstructorDecl* ctor = construct.getConstructor();
  if (ctor == nullptr || ctor->isTrivial() ||
      context_.getSourceManager().isInSystemHeader(ctor->getLocation()))
    return;
  Op op;
  op.kind = OpKind::call;
  op.call.usr = usr_of(ctor);
  op.call.name = ctor->getQualifiedNameAsString();
  op.call.kind = CallTarget::Kind::constructor;
  if (var != nullptr) op.call.object = paths_.of_decl(var);
  for (unsigned i = 0; i < construct.getNumArgs(); ++i) {
    op.call.arguments.push_back(paths_.of(construct.getArg(i)));
    op.call.constants.push_back(BranchConditions::constant(construct.getArg(i), context_));
  }
  // `m_mtx(m)`: the reference member is the lock the caller passes for `m`.
  const clang::FunctionDecl* definition = nullptr;
  if (var != nullptr && ctor->hasBody(definition))
    for (const clang::CXXCtorInitializer* init :
         llvm::cast<clang::CXXConstructorDecl>(definition)->inits()) {
      const clang::FieldDecl* field = init->getMember();
      if (field == nullptr || !field->getType()->isReferenceType()) continue;
      const auto* ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(strip_wrappers(init->getInit()));
      const auto* parameter = ref ? llvm::dyn_cast<clang::ParmVarDecl>(ref->getDecl()) : nullptr;
      if (parameter == nullptr) continue;
      const unsigned index = parameter->getFunctionScopeIndex();
      if (index < op.call.arguments.size() && op.call.arguments[index])
        bound_members_[var].emplace_back(field_name(field), *op.call.arguments[index]);
    }
  emit(std::move(op), &construct);
}

std::optional<FunctionLowering::Test> FunctionLowering::test_of(const clang::Expr* e) const {
  e = strip_wrappers(e);
  if (e == nullptr) return std::nullopt;
  if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(e)) {
    if (unary->getOpcode() != clang::UO_LNot) return std::nullopt;
    auto inner = test_of(unary->getSubExpr());
    if (inner) inner->true_means_success = !inner->true_means_success;
    return inner;
  }
  if (const auto* binary = llvm::dyn_cast<clang::BinaryOperator>(e)) {
    if (binary->getOpcode() == clang::BO_Assign) return test_of(binary->getRHS());  // `(x = f())`
    const bool eq = binary->getOpcode() == clang::BO_EQ, ne = binary->getOpcode() == clang::BO_NE;
    if (!eq && !ne) return std::nullopt;
    const clang::Expr* other = is_zero(binary->getRHS(), context_)   ? binary->getLHS()
                               : is_zero(binary->getLHS(), context_) ? binary->getRHS()
                                                                     : nullptr;
    if (other == nullptr) return std::nullopt;
    auto inner = test_of(other);  // `x == 0` is `!x`
    if (inner && eq) inner->true_means_success = !inner->true_means_success;
    return inner;
  }
  auto from_value = [](const TryValue& value) {
    return Test{value.try_id, -1, !value.zero_is_success};
  };
  if (auto it = try_calls_.find(e); it != try_calls_.end()) return from_value(it->second);
  if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(e))
    if (auto it = try_variables_.find(llvm::dyn_cast<clang::VarDecl>(ref->getDecl()));
        it != try_variables_.end())
      return from_value(it->second);
  // lock.owns_lock(), `if (lock)`.
  if (const auto* member = llvm::dyn_cast<clang::CXXMemberCallExpr>(e)) {
    const clang::CXXMethodDecl* method = member->getMethodDecl();
    const bool owns =
        method != nullptr && (llvm::isa<clang::CXXConversionDecl>(method) ||
                              (method->getIdentifier() && method->getName() == "owns_lock"));
    if (owns)
      if (auto slot = slot_of(member->getImplicitObjectArgument())) return Test{-1, *slot, true};
  }
  return std::nullopt;
}

Site FunctionLowering::site_at(clang::SourceLocation location) const {
  const clang::SourceManager& sm = context_.getSourceManager();
  Site site;
  site.function = name_;
  const clang::PresumedLoc presumed = sm.getPresumedLoc(sm.getExpansionLoc(location));
  if (presumed.isValid()) {
    site.file = presumed.getFilename();
    site.line = static_cast<int>(presumed.getLine());
    site.column = static_cast<int>(presumed.getColumn());
  }
  return site;
}

bool FunctionLowering::suppressed_at(clang::SourceLocation location) const {
  const clang::SourceManager& sm = context_.getSourceManager();
  const auto [file, offset] = sm.getDecomposedExpansionLoc(location);
  if (file.isInvalid()) return false;
  bool invalid = false;
  const llvm::StringRef buffer = sm.getBufferData(file, &invalid);
  if (invalid || offset > buffer.size()) return false;
  const std::size_t begin =
      buffer.rfind('\n', offset) == llvm::StringRef::npos ? 0 : buffer.rfind('\n', offset) + 1;
  const std::size_t end = buffer.find('\n', offset);
  const llvm::StringRef line = buffer.slice(begin, end);
  // (clang-tidy's NOLINT(lockorder-RULE) forms suppress findings, not acquisitions: the tool
  // applies them to each finding's line.)
  return line.contains("lockorder: ignore") || line.contains("NOLINT(lockorder)");
}

}  // namespace lockorder::analyzer::frontend
