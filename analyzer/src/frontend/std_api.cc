// The standard library's locks, and lockorder's drop-in versions of them:
//   mutexes    std::mutex, timed_mutex, recursive_mutex, recursive_timed_mutex, shared_mutex,
//              shared_timed_mutex; lockorder::basic_lock (lockorder::mutex, ...)
//   guards     lock_guard, scoped_lock, unique_lock, shared_lock; lockorder::ordered_lock
//   functions  std::lock (all at once, deadlock-free among its arguments)
//   waits      condition_variable(_any)::wait*, lockorder::condition_variable: release the mutex
//              and take it back (while anything else held stays held)
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>

#include "frontend/function_lowering.h"
#include "frontend/lock_api.h"
#include "frontend/std_apis.h"
#include "frontend/type_names.h"

namespace lockorder::analyzer::frontend {
namespace {

bool is_mutex(const clang::CXXRecordDecl* r) {
  for (const char* name : {"mutex", "timed_mutex", "recursive_mutex", "recursive_timed_mutex",
                           "shared_mutex", "shared_timed_mutex"})
    if (is_std(r, name)) return true;
  return is_lockorder(r, "basic_lock");
}

bool is_recursive(const clang::CXXRecordDecl* r) {
  if (is_std(r, "recursive_mutex") || is_std(r, "recursive_timed_mutex")) return true;
  if (const auto* spec = llvm::dyn_cast_or_null<clang::ClassTemplateSpecializationDecl>(r);
      spec != nullptr && is_lockorder(r, "basic_lock") && spec->getTemplateArgs().size() > 0) {
    const clang::TemplateArgument& native = spec->getTemplateArgs()[0];
    if (native.getKind() == clang::TemplateArgument::Type)
      return is_recursive(record_of(native.getAsType()));
  }
  return false;
}

LockOperand operand_of(const clang::Expr* e, FunctionLowering& out, bool& ok) {
  LockOperand operand;
  auto path = out.paths().of(e);
  ok = path.has_value();
  if (path) operand.lock = std::move(*path);
  operand.recursive = is_recursive(record_of(e));
  return operand;
}

enum class Tag { none, adopt, defer, try_to, timed };

Tag tag_of(const clang::Expr* arg) {
  const clang::CXXRecordDecl* r = record_of(arg);
  if (is_std(r, "adopt_lock_t")) return Tag::adopt;
  if (is_std(r, "defer_lock_t")) return Tag::defer;
  if (is_std(r, "try_to_lock_t")) return Tag::try_to;
  if (is_std(r, "duration") || is_std(r, "time_point")) return Tag::timed;
  return Tag::none;
}

class StdApi final : public LockApi {
 public:
  bool lower_call(const clang::CallExpr& call, FunctionLowering& out) const override {
    if (const auto* member = llvm::dyn_cast<clang::CXXMemberCallExpr>(&call))
      return lower_member(*member, out);
    if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(&call))
      return lower_assignment(*op, out);
    const clang::FunctionDecl* callee = call.getDirectCallee();
    if (callee == nullptr || !callee->isInStdNamespace() || callee->getIdentifier() == nullptr ||
        callee->getName() != "lock")
      return false;
    Op op;  // std::lock(a, b, ...)
    op.kind = OpKind::acquire;
    for (const clang::Expr* arg : call.arguments()) {
      bool ok = false;
      LockOperand operand = operand_of(arg, out, ok);
      if (ok) op.operands.push_back(std::move(operand));
    }
    out.emit(std::move(op), &call);
    return true;
  }

  bool lower_construct(const clang::CXXConstructExpr& construct, const clang::VarDecl* var,
                       FunctionLowering& out) const override {
    const clang::CXXRecordDecl* r = construct.getConstructor()->getParent();
    const bool shared = is_std(r, "shared_lock");
    const bool unique = is_std(r, "unique_lock") || shared;
    const bool plain =
        is_std(r, "lock_guard") || is_std(r, "scoped_lock") || is_lockorder(r, "ordered_lock");
    if (!unique && !plain) return false;
    const int slot = out.guard_slot(var);
    Op op;
    op.slot = slot;
    op.mode = shared ? Mode::shared : Mode::exclusive;
    op.kind = OpKind::guard_acquire;
    op.scoped = plain;
    if (construct.getNumArgs() == 1 && unique && record_of(construct.getArg(0)) == r) {
      // unique_lock(unique_lock&&): the new guard takes over.
      if (auto from = out.slot_of(construct.getArg(0))) {
        op.kind = OpKind::guard_move;
        op.from_slot = *from;
        out.emit(std::move(op), &construct);
      }
      return true;
    }
    for (const clang::Expr* arg : construct.arguments()) {
      switch (tag_of(arg)) {
        case Tag::adopt:
          op.kind = OpKind::guard_adopt;
          continue;
        case Tag::defer:
          op.kind = OpKind::guard_defer;
          continue;
        case Tag::try_to:
        case Tag::timed:
          op.kind = OpKind::guard_try;
          continue;
        case Tag::none:
          break;
      }
      bool ok = false;
      LockOperand operand = operand_of(arg, out, ok);
      if (ok) op.operands.push_back(std::move(operand));
    }
    if (op.kind == OpKind::guard_try) op.try_id = out.try_call(&construct, false);
    if (op.operands.empty()) return true;  // unique_lock(): bound to nothing yet
    const OpKind kind = op.kind;
    out.emit(std::move(op), &construct);
    if (kind != OpKind::guard_defer) out.end_if_temporary(var, slot, &construct);
    return true;
  }

 private:
  static bool lower_member(const clang::CXXMemberCallExpr& call, FunctionLowering& out) {
    const clang::CXXMethodDecl* method = call.getMethodDecl();
    if (method == nullptr || method->getIdentifier() == nullptr) return false;
    const llvm::StringRef name = method->getName();
    const clang::Expr* object = call.getImplicitObjectArgument();
    const clang::CXXRecordDecl* r = method->getParent();
    if (is_mutex(r)) return lower_mutex_call(call, name, object, out);
    if (is_std(r, "unique_lock") || is_std(r, "shared_lock")) {
      auto slot = out.slot_of(object);
      Op op;
      op.slot = slot.value_or(-1);
      if (name == "lock") {
        op.kind = OpKind::guard_acquire;
      } else if (name.starts_with("try_lock")) {
        op.kind = OpKind::guard_try;
        op.try_id = out.try_call(&call, false);
      } else if (name == "unlock") {
        op.kind = OpKind::guard_unlock;
      } else if (name == "release") {
        op.kind = OpKind::guard_disown;
      } else {
        return true;  // owns_lock(), mutex(), swap: nothing to lower (branches test owns_lock)
      }
      if (slot) out.emit(std::move(op), &call);
      return true;
    }
    if (is_std(r, "condition_variable") || is_std(r, "condition_variable_any") ||
        is_lockorder(r, "condition_variable")) {
      if (!name.starts_with("wait") || call.getNumArgs() == 0) return true;
      lower_wait(call.getArg(0), &call, out);
      return true;
    }
    return false;
  }

  static bool lower_mutex_call(const clang::CXXMemberCallExpr& call, llvm::StringRef name,
                               const clang::Expr* object, FunctionLowering& out) {
    Op op;
    op.mode =
        name.ends_with("_shared") || name.contains("_shared_") ? Mode::shared : Mode::exclusive;
    if (name == "lock" || name == "lock_shared") {
      op.kind = OpKind::acquire;
    } else if (name.starts_with("try_lock")) {
      op.kind = OpKind::try_acquire;
      op.try_id = out.try_call(&call, false);
    } else if (name == "unlock" || name == "unlock_shared") {
      op.kind = OpKind::release;
    } else {
      return true;  // native_handle() and the like
    }
    bool ok = false;
    LockOperand operand = operand_of(object, out, ok);
    if (!ok) return true;
    op.operands.push_back(std::move(operand));
    out.emit(std::move(op), &call);
    return true;
  }

  // A wait releases the mutex and takes it back before returning.
  static void lower_wait(const clang::Expr* lock, const clang::Stmt* where, FunctionLowering& out) {
    if (auto slot = out.slot_of(lock)) {
      Op release, retake;
      release.kind = OpKind::guard_unlock;
      release.slot = *slot;
      retake.kind = OpKind::guard_acquire;
      retake.slot = *slot;
      out.emit(std::move(release), where);
      out.emit(std::move(retake), where);
      return;
    }
    bool ok = false;
    LockOperand operand = operand_of(lock, out, ok);
    if (!ok || !is_mutex(record_of(lock))) return;
    Op release, retake;
    release.kind = OpKind::release;
    release.operands = {operand};
    retake.kind = OpKind::acquire;
    retake.operands = {operand};
    out.emit(std::move(release), where);
    out.emit(std::move(retake), where);
  }

  // `lock = std::move(other)` between unique_locks.
  static bool lower_assignment(const clang::CXXOperatorCallExpr& call, FunctionLowering& out) {
    if (call.getOperator() != clang::OO_Equal || call.getNumArgs() != 2) return false;
    const clang::CXXRecordDecl* r = record_of(call.getArg(0));
    if (!is_std(r, "unique_lock") && !is_std(r, "shared_lock")) return false;
    auto to = out.slot_of(call.getArg(0));
    auto from = out.slot_of(call.getArg(1));
    if (!to) return true;
    Op end;
    end.kind = OpKind::guard_end;
    end.slot = *to;
    out.emit(std::move(end), &call);
    if (from) {
      Op move;
      move.kind = OpKind::guard_move;
      move.slot = *to;
      move.from_slot = *from;
      out.emit(std::move(move), &call);
    }
    return true;
  }
};

}  // namespace

std::unique_ptr<LockApi> make_std_api() { return std::make_unique<StdApi>(); }

}  // namespace lockorder::analyzer::frontend
