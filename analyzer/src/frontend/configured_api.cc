// Lock types and guards named in the configuration file (configuration.h), matched by the
// qualified name of the class.
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
  explicit ConfiguredApi(const Configuration& configuration) : configuration_(configuration) {}

  bool lower_call(const clang::CallExpr& call, FunctionLowering& out) const override {
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

  bool lower_construct(const clang::CXXConstructExpr& construct, const clang::VarDecl* var,
                       FunctionLowering& out) const override {
    const std::string name = qualified_name(construct.getConstructor()->getParent());
    auto guard = std::find_if(configuration_.guards.begin(), configuration_.guards.end(),
                              [&](const ConfiguredGuard& g) { return g.type == name; });
    if (guard == configuration_.guards.end()) return false;
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
    for (const ConfiguredMutex& m : configuration_.mutexes)
      if (m.type == name) return &m;
    return nullptr;
  }

  Configuration configuration_;
};

}  // namespace

std::unique_ptr<LockApi> make_configured_api(const Configuration& configuration) {
  return std::make_unique<ConfiguredApi>(configuration);
}

}  // namespace lockorder::analyzer::frontend
