// Clang's thread-safety attributes, so that user wrappers work with no configuration:
//   acquire_capability / exclusive_lock_function / shared_lock_function (and _shared_ forms),
//   release_capability / unlock_function, try_acquire_capability / *_trylock_function,
//   on member functions of a `capability` type (the object is the lock) or naming the lock among
//   their arguments; and `scoped_lockable` guards, whose constructor acquires what its
//   attribute names and whose destructor releases it (LevelDB's port::Mutex and MutexLock,
//   Abseil's Mutex and MutexLock, ...).
#include <clang/AST/Attr.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>

#include <optional>

#include "frontend/function_lowering.h"
#include "frontend/std_apis.h"
#include "frontend/type_names.h"

namespace lockorder::analyzer::frontend {
namespace {

struct Effect {
  OpKind kind = OpKind::acquire;  // acquire, try_acquire or release
  Mode mode = Mode::exclusive;
  std::vector<const clang::Expr*> capabilities;  // in the callee's terms; empty: the object
  bool zero_is_success = false;                  // try: which return value means "locked"
};

std::vector<const clang::Expr*> arguments_of(auto* attribute) {
  std::vector<const clang::Expr*> out;
  for (const clang::Expr* e : attribute->args()) out.push_back(e);
  return out;
}

bool success_is_zero(const clang::Expr* value, const clang::ASTContext& context) {
  clang::Expr::EvalResult result;
  if (value == nullptr || value->isValueDependent() || !value->EvaluateAsInt(result, context))
    return false;
  return result.Val.getInt() == 0;
}

std::vector<Effect> effects_of(const clang::FunctionDecl& f) {
  std::vector<Effect> effects;
  const clang::ASTContext& context = f.getASTContext();
  for (const clang::Attr* attribute : f.attrs()) {
    Effect e;
    if (const auto* a = llvm::dyn_cast<clang::AcquireCapabilityAttr>(attribute)) {
      e.mode = a->isShared() ? Mode::shared : Mode::exclusive;
      e.capabilities = arguments_of(a);
    } else if (const auto* r = llvm::dyn_cast<clang::ReleaseCapabilityAttr>(attribute)) {
      e.kind = OpKind::release;
      e.capabilities = arguments_of(r);
    } else if (const auto* t = llvm::dyn_cast<clang::TryAcquireCapabilityAttr>(attribute)) {
      e.kind = OpKind::try_acquire;
      e.mode = t->isShared() ? Mode::shared : Mode::exclusive;
      e.capabilities = arguments_of(t);
      e.zero_is_success = success_is_zero(t->getSuccessValue(), context);
    } else if (const auto* x = llvm::dyn_cast<clang::ExclusiveTrylockFunctionAttr>(attribute)) {
      e.kind = OpKind::try_acquire;
      e.capabilities = arguments_of(x);
      e.zero_is_success = success_is_zero(x->getSuccessValue(), context);
    } else if (const auto* s = llvm::dyn_cast<clang::SharedTrylockFunctionAttr>(attribute)) {
      e.kind = OpKind::try_acquire;
      e.mode = Mode::shared;
      e.capabilities = arguments_of(s);
      e.zero_is_success = success_is_zero(s->getSuccessValue(), context);
    } else {
      continue;
    }
    effects.push_back(std::move(e));
  }
  return effects;
}

bool is_scoped(const clang::CXXRecordDecl* record) {
  return record != nullptr && record->hasAttr<clang::ScopedLockableAttr>();
}

class AnnotatedApi final : public LockApi {
 public:
  bool lower_call(const clang::CallExpr& call, FunctionLowering& out) const override {
    const clang::FunctionDecl* callee = call.getDirectCallee();
    if (callee == nullptr) return false;
    std::vector<Effect> effects = effects_of(*callee);
    if (effects.empty()) return false;
    const clang::Expr* object = nullptr;
    std::vector<const clang::Expr*> arguments(call.arg_begin(), call.arg_end());
    if (const auto* member = llvm::dyn_cast<clang::CXXMemberCallExpr>(&call)) {
      object = member->getImplicitObjectArgument();
    } else if (llvm::isa<clang::CXXOperatorCallExpr>(call) &&
               llvm::isa<clang::CXXMethodDecl>(callee) && !arguments.empty()) {
      object = arguments.front();
      arguments.erase(arguments.begin());
    }
    // A method of a scoped guard with no lock named: the guard itself unlocks or relocks.
    const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(callee);
    if (method != nullptr && is_scoped(method->getParent())) {
      if (auto slot = out.slot_of(object))
        for (const Effect& e : effects)
          if (e.capabilities.empty()) {
            Op op;
            op.kind = e.kind == OpKind::release       ? OpKind::guard_unlock
                      : e.kind == OpKind::try_acquire ? OpKind::guard_try
                                                      : OpKind::guard_acquire;
            op.slot = *slot;
            if (op.kind == OpKind::guard_try) op.try_id = out.try_call(&call, e.zero_is_success);
            out.emit(std::move(op), &call);
          }
      return true;
    }
    for (const Effect& e : effects)
      if (std::optional<Op> op = effect_op(*callee, e, arguments, object, &call, out))
        out.emit(std::move(*op), &call);
    return true;
  }

  bool lower_construct(const clang::CXXConstructExpr& construct, const clang::VarDecl* var,
                       FunctionLowering& out) const override {
    const clang::CXXConstructorDecl* ctor = construct.getConstructor();
    std::vector<const clang::Expr*> arguments(construct.arg_begin(), construct.arg_end());
    if (!is_scoped(ctor->getParent()))
      return lower_unscoped_construct(construct, var, arguments, out);
    const int slot = out.guard_slot(var);
    bool any = false;
    for (const Effect& e : effects_of(*ctor)) {
      if (e.kind == OpKind::release) continue;
      Op op;
      op.kind = e.kind == OpKind::try_acquire ? OpKind::guard_try : OpKind::guard_acquire;
      op.mode = e.mode;
      op.slot = slot;
      op.scoped = true;
      op.operands = operands(*ctor, e, arguments, nullptr, out);
      if (op.operands.empty()) continue;
      if (op.kind == OpKind::guard_try) op.try_id = out.try_call(&construct, e.zero_is_success);
      out.emit(std::move(op), &construct);
      any = true;
    }
    if (any) out.end_if_temporary(var, slot, &construct);
    return true;
  }

 private:
  // The op for one annotated effect of `callee`, called at `where`; nullopt when the caller
  // cannot name any lock it names.
  static std::optional<Op> effect_op(const clang::FunctionDecl& callee, const Effect& e,
                                     const std::vector<const clang::Expr*>& arguments,
                                     const clang::Expr* object, const clang::Expr* where,
                                     FunctionLowering& out) {
    Op op;
    op.kind = e.kind;
    op.mode = e.mode;
    op.operands = operands(callee, e, arguments, object, out);
    if (op.operands.empty()) return std::nullopt;
    if (e.kind == OpKind::try_acquire) op.try_id = out.try_call(where, e.zero_is_success);
    return op;
  }

  // The constructor of a class that is not a scoped guard, annotated as releasing or acquiring
  // locks of its arguments: an unlock guard (SRT's InvertedLock: release_capability(m) on the
  // constructor) releases the caller's lock here. Its body is not analysed (the annotation is
  // the contract), so the annotation is all there is.
  // Its destructor, annotated as acquiring (releasing), takes back (lets go of) what the
  // constructor released (took): the annotation names the member the constructor bound, which
  // the caller knows as the constructor's argument.
  bool lower_unscoped_construct(const clang::CXXConstructExpr& construct, const clang::VarDecl* var,
                                const std::vector<const clang::Expr*>& arguments,
                                FunctionLowering& out) const {
    const clang::CXXConstructorDecl* ctor = construct.getConstructor();
    const std::vector<Effect> effects = effects_of(*ctor);
    if (effects.empty()) return false;
    bool dtor_acquires = false, dtor_releases = false;
    if (const clang::CXXDestructorDecl* dtor = ctor->getParent()->getDestructor())
      for (const Effect& e : effects_of(*dtor)) {
        dtor_acquires = dtor_acquires || e.kind == OpKind::acquire;
        dtor_releases = dtor_releases || e.kind == OpKind::release;
      }
    std::vector<Op> at_end;
    for (const Effect& e : effects) {
      if (e.capabilities.empty()) continue;  // the object itself: nothing the caller holds
      std::optional<Op> op = effect_op(*ctor, e, arguments, nullptr, &construct, out);
      if (!op) continue;
      if ((e.kind == OpKind::release && dtor_acquires) ||
          (e.kind == OpKind::acquire && dtor_releases)) {
        Op undo;
        undo.kind = e.kind == OpKind::release ? OpKind::acquire : OpKind::release;
        undo.mode = e.mode;
        undo.operands = op->operands;
        at_end.push_back(std::move(undo));
      }
      out.emit(std::move(*op), &construct);
    }
    if (!at_end.empty()) out.at_destruction(var, std::move(at_end), &construct);
    return true;
  }

  // The locks an attribute names, as the caller sees them: the callee's parameters replaced by
  // the call's arguments and `this` by the object.
  static std::vector<LockOperand> operands(const clang::FunctionDecl& callee, const Effect& e,
                                           const std::vector<const clang::Expr*>& arguments,
                                           const clang::Expr* object, FunctionLowering& out) {
    std::vector<LockOperand> result;
    std::optional<LockRef> object_path = object ? out.paths().of(object) : std::nullopt;
    if (e.capabilities.empty()) {
      if (object_path) result.push_back({*object_path, false});
      return result;
    }
    AccessPaths inside(&callee, callee.getASTContext());
    std::vector<std::optional<LockRef>> bound;
    for (const clang::Expr* argument : arguments) bound.push_back(out.paths().of(argument));
    std::vector<const LockRef*> binding;
    for (const auto& b : bound) binding.push_back(b ? &*b : nullptr);
    for (const clang::Expr* capability : e.capabilities) {
      std::optional<LockRef> path = inside.of(capability);
      if (!path) continue;
      LockRef lock = substitute(*path, binding, object_path ? &*object_path : nullptr);
      if (lock.named()) result.push_back({std::move(lock), false});
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<LockApi> make_annotated_api() { return std::make_unique<AnnotatedApi>(); }

bool has_lock_annotations(const clang::FunctionDecl& function) {
  const bool special = llvm::isa<clang::CXXConstructorDecl>(function) ||
                       llvm::isa<clang::CXXDestructorDecl>(function);
  return !effects_of(function).empty() ||
         (special && is_scoped(llvm::cast<clang::CXXMethodDecl>(function).getParent()));
}

}  // namespace lockorder::analyzer::frontend
