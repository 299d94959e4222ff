// Lock types, guards and C lock functions named in the configuration file (configuration.h),
// matched by qualified name.
#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>

#include <algorithm>

#include "frontend/configuration.h"
#include "frontend/function_lowering.h"
#include "frontend/std_apis.h"
#include "frontend/type_names.h"

namespace lockorder::analyzer::frontend {
namespace {

bool listed(const std::vector<std::string>& list, llvm::StringRef name) {
  return std::find(list.begin(), list.end(), name.str()) != list.end();
}

class ConfiguredApi final : public LockApi {
 public:
  ConfiguredApi(const Configuration& configuration, std::vector<std::string>& used)
      : configuration_(configuration), used_(used) {}

  bool lower_call(const clang::CallExpr& call, FunctionLowering& out) const override {
    if (lower_function_call(call, out)) return true;
    const auto* member = llvm::dyn_cast<clang::CXXMemberCallExpr>(&call);
    if (member == nullptr || member->getMethodDecl() == nullptr ||
        member->getMethodDecl()->getIdentifier() == nullptr)
      return false;
    const ConfiguredMutex* type = mutex(member->getMethodDecl()->getParent());
    if (type == nullptr) return false;
    const llvm::StringRef name = member->getMethodDecl()->getName();
    Op op;
    if (listed(type->lock, name)) {
      op.kind = OpKind::acquire;
    } else if (listed(type->lock_shared, name)) {
      op.kind = OpKind::acquire;
      op.mode = Mode::shared;
    } else if (listed(type->try_lock, name)) {
      op.kind = OpKind::try_acquire;
      op.try_id = out.try_call(&call, false);
    } else if (listed(type->unlock, name) || listed(type->unlock_shared, name)) {
      op.kind = OpKind::release;
    } else {
      return true;
    }
    auto lock = out.paths().of(member->getImplicitObjectArgument());
    if (!lock) return true;
    op.operands = {{*lock, type->recursive}};
    out.emit(std::move(op), &call);
    return true;
  }

  // A free function of a C lock API (a "functions" entry): the lock is one of its arguments.
  bool lower_function_call(const clang::CallExpr& call, FunctionLowering& out) const {
    if (configuration_.functions.empty()) return false;
    const clang::FunctionDecl* callee = call.getDirectCallee();
    if (callee == nullptr || llvm::isa<clang::CXXMethodDecl>(callee)) return false;
    const std::string name = callee->getQualifiedNameAsString();
    auto entry = std::find_if(configuration_.functions.begin(), configuration_.functions.end(),
                              [&](const ConfiguredFunction& f) { return f.name == name; });
    if (entry == configuration_.functions.end()) return false;
    note_used(entry->name);
    if (entry->argument >= call.getNumArgs()) return true;
    auto lock = out.paths().of(call.getArg(entry->argument));
    if (!lock) return true;
    using Action = ConfiguredFunction::Action;
    if (entry->action == Action::wait) {  // released, then taken back
      Op release, retake;
      release.kind = OpKind::release;
      release.operands = {{*lock, entry->recursive}};
      retake.kind = OpKind::acquire;
      retake.operands = {{*lock, entry->recursive}};
      out.emit(std::move(release), &call);
      out.emit(std::move(retake), &call);
      return true;
    }
    Op op;
    op.operands = {{*lock, entry->recursive}};
    switch (entry->action) {
      case Action::lock:
        op.kind = OpKind::acquire;
        break;
      case Action::lock_shared:
        op.kind = OpKind::acquire;
        op.mode = Mode::shared;
        break;
      case Action::try_lock:
        op.kind = OpKind::try_acquire;
        op.try_id = out.try_call(&call, entry->succeeds_on_zero);
        break;
      case Action::unlock:
      case Action::wait:
        op.kind = OpKind::release;
        break;
    }
    out.emit(std::move(op), &call);
    return true;
  }

  bool lower_construct(const clang::CXXConstructExpr& construct, const clang::VarDecl* var,
                       FunctionLowering& out) const override {
    const std::string name = qualified_name(construct.getConstructor()->getParent());
    auto guard = std::find_if(configuration_.guards.begin(), configuration_.guards.end(),
                              [&](const ConfiguredGuard& g) { return g.type == name; });
    if (guard == configuration_.guards.end()) return false;
    note_used(guard->type);
    for (const clang::Expr* arg : construct.arguments()) {
      auto lock = out.paths().of(arg);
      if (!lock) continue;
      const ConfiguredMutex* type = mutex(record_of(arg));
      const int slot = out.guard_slot(var);
      Op op;
      op.kind = OpKind::guard_acquire;
      op.mode = guard->shared ? Mode::shared : Mode::exclusive;
      op.slot = slot;
      op.scoped = true;
      op.operands = {{*lock, type != nullptr && type->recursive}};
      out.emit(std::move(op), &construct);
      out.end_if_temporary(var, slot, &construct);
      break;
    }
    return true;
  }

 private:
  const ConfiguredMutex* mutex(const clang::CXXRecordDecl* record) const {
    if (record == nullptr) return nullptr;
    const std::string name = qualified_name(record);
    for (const ConfiguredMutex& m : configuration_.mutexes) {
      if (m.type != name) continue;
      note_used(m.type);
      return &m;
    }
    return nullptr;
  }

  void note_used(const std::string& name) const {
    if (std::find(used_.begin(), used_.end(), name) == used_.end()) used_.push_back(name);
  }

  Configuration configuration_;
  std::vector<std::string>& used_;
};

}  // namespace

std::unique_ptr<LockApi> make_configured_api(const Configuration& configuration,
                                             std::vector<std::string>& used) {
  return std::make_unique<ConfiguredApi>(configuration, used);
}

}  // namespace lockorder::analyzer::frontend
