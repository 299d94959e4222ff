// POSIX threads: pthread_mutex_*, pthread_rwlock_*, pthread_spin_* and pthread_cond_*wait. The
// lock is the object the first argument points at; the try and timed variants return 0 on
// success. A pthread mutex's type (recursive or not) is set at run time, so it is taken to be
// non-recursive.
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>

#include "frontend/function_lowering.h"
#include "frontend/std_apis.h"

namespace lockorder::analyzer::frontend {
namespace {

struct Entry {
  const char* name;
  OpKind kind;
  Mode mode;
};

constexpr Entry kEntries[] = {
    {"pthread_mutex_lock", OpKind::acquire, Mode::exclusive},
    {"pthread_mutex_trylock", OpKind::try_acquire, Mode::exclusive},
    {"pthread_mutex_timedlock", OpKind::try_acquire, Mode::exclusive},
    {"pthread_mutex_clocklock", OpKind::try_acquire, Mode::exclusive},
    {"pthread_mutex_unlock", OpKind::release, Mode::exclusive},
    {"pthread_rwlock_rdlock", OpKind::acquire, Mode::shared},
    {"pthread_rwlock_wrlock", OpKind::acquire, Mode::exclusive},
    {"pthread_rwlock_tryrdlock", OpKind::try_acquire, Mode::shared},
    {"pthread_rwlock_trywrlock", OpKind::try_acquire, Mode::exclusive},
    {"pthread_rwlock_timedrdlock", OpKind::try_acquire, Mode::shared},
    {"pthread_rwlock_timedwrlock", OpKind::try_acquire, Mode::exclusive},
    {"pthread_rwlock_clockrdlock", OpKind::try_acquire, Mode::shared},
    {"pthread_rwlock_clockwrlock", OpKind::try_acquire, Mode::exclusive},
    {"pthread_rwlock_unlock", OpKind::release, Mode::exclusive},
    {"pthread_spin_lock", OpKind::acquire, Mode::exclusive},
    {"pthread_spin_trylock", OpKind::try_acquire, Mode::exclusive},
    {"pthread_spin_unlock", OpKind::release, Mode::exclusive},
};

class PthreadApi final : public LockApi {
 public:
  bool lower_call(const clang::CallExpr& call, FunctionLowering& out) const override {
    const clang::FunctionDecl* callee = call.getDirectCallee();
    if (callee == nullptr || callee->getIdentifier() == nullptr || call.getNumArgs() == 0 ||
        !callee->getDeclContext()->getRedeclContext()->isTranslationUnit())
      return false;
    const llvm::StringRef name = callee->getName();
    if (!name.starts_with("pthread_")) return false;
    if (name == "pthread_cond_wait" || name == "pthread_cond_timedwait" ||
        name == "pthread_cond_clockwait") {
      if (call.getNumArgs() < 2) return true;
      auto mutex = out.paths().of(call.getArg(1));
      if (!mutex) return true;
      Op release, retake;  // the wait releases the mutex and takes it back
      release.kind = OpKind::release;
      release.operands = {{*mutex, false}};
      retake.kind = OpKind::acquire;
      retake.operands = {{*mutex, false}};
      out.emit(std::move(release), &call);
      out.emit(std::move(retake), &call);
      return true;
    }
    for (const Entry& entry : kEntries) {
      if (name != entry.name) continue;
      auto lock = out.paths().of(call.getArg(0));
      if (!lock) return true;
      Op op;
      op.kind = entry.kind;
      op.mode = entry.mode;
      op.operands = {{*lock, false}};
      if (entry.kind == OpKind::try_acquire) op.try_id = out.try_call(&call, true);
      out.emit(std::move(op), &call);
      return true;
    }
    return false;
  }

  bool lower_construct(const clang::CXXConstructExpr&, const clang::VarDecl*,
                       FunctionLowering&) const override {
    return false;
  }
};

}  // namespace

std::unique_ptr<LockApi> make_pthread_api() { return std::make_unique<PthreadApi>(); }

}  // namespace lockorder::analyzer::frontend
