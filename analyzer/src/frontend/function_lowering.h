// Lowers one function's body to the analyzer's IR (ir.h) from Clang's CFG.
//
// The CFG is built with every sub-expression as an element (in evaluation order) and with the
// destructors of automatic objects, so guard lifetimes end where C++ ends them: at the end of
// the scope, on every return, break, goto and exception edge Clang models. Each call and each
// construction is offered to the lock APIs (lock_api.h) in turn; what none claims becomes a plain
// call to the function (whose summary the program analysis applies). Branches whose condition
// tests a try-lock (directly, through a bool that stored it, or through a guard's owns_lock())
// mark the successor on which the lock is held.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "frontend/access_path.h"
#include "ir.h"

namespace clang {
class ASTContext;
class CallExpr;
class CXXConstructExpr;
class ReturnStmt;
class Expr;
class FunctionDecl;
class SourceLocation;
class Stmt;
class VarDecl;
}  // namespace clang

namespace lockorder::analyzer::frontend {

class BranchConditions;
class LockApis;

class FunctionLowering {
 public:
  FunctionLowering(const clang::FunctionDecl& function, clang::ASTContext& context,
                   const LockApis& apis);

  // Empty blocks when the function has no body or Clang cannot build its CFG.
  FunctionIR lower();

  // --- for the lock APIs ------------------------------------------------------------------
  const AccessPaths& paths() const { return paths_; }
  // Appends `op` to the current block at `where` (its start, or its end for what a scope's end
  // does), with its site and suppression filled in.
  void emit(Op op, const clang::Stmt* where, bool at_end = false);
  // The guard slot of a variable (made on first use).
  int slot_for(const clang::VarDecl* var);
  // The slot of the guard an expression names (`lock`, `std::move(lock)`), if any.
  std::optional<int> slot_of(const clang::Expr* expr) const;
  // The slot of a guard being constructed: its variable's, or a new one for a temporary.
  int guard_slot(const clang::VarDecl* var) {
    return var != nullptr ? slot_for(var) : next_slot_++;
  }
  // A temporary guard (no variable) ends with its full expression: right after it is made.
  void end_if_temporary(const clang::VarDecl* var, int slot, const clang::Stmt* where);
  // Ops to emit where `var` is destroyed, instead of a call to its destructor (an annotated
  // unlock guard's destructor takes back what its constructor released); emitted at once for a
  // temporary (no variable), which ends with its full expression.
  void at_destruction(const clang::VarDecl* var, std::vector<Op> ops, const clang::Stmt* where);
  // Registers a try-lock call whose value a branch may test; `zero_is_success` for pthread's
  // trylock (0 on success), false for try_lock() (true on success). Returns the try id.
  int try_call(const clang::Expr* call, bool zero_is_success);
  // A call to a function the program may define: a plain call op with its bindings.
  void emit_call(const clang::CallExpr& call);
  void emit_constructor_call(const clang::CXXConstructExpr& construct, const clang::VarDecl* var);

 private:
  // A call through a pointer or a std::function; false when `call` is not one.
  bool emit_indirect_call(const clang::CallExpr& call);
  struct Test {
    int try_id = -1;
    int slot = -1;
    bool true_means_success = true;
  };
  void lower_statement(const clang::Stmt* statement);
  void lower_destructor(const clang::VarDecl* var, const clang::Stmt* where);
  void lower_return(const clang::ReturnStmt* ret);
  std::optional<Test> test_of(const clang::Expr* condition) const;
  Site site_at(clang::SourceLocation location) const;
  bool suppressed_at(clang::SourceLocation location) const;
  void collect_initialisers();

  const clang::FunctionDecl& function_;
  clang::ASTContext& context_;
  const LockApis& apis_;
  AccessPaths paths_;
  std::string name_;
  Block* block_ = nullptr;
  const BranchConditions* conditions_ = nullptr;  // while lower() runs
  std::map<const clang::VarDecl*, int> slots_;
  std::map<const clang::VarDecl*, std::vector<Op>> at_destruction_;
  int next_slot_ = 0;
  int next_try_ = 0;
  struct TryValue {
    int try_id;
    bool zero_is_success;
  };
  std::map<const clang::Expr*, TryValue> try_calls_;
  std::map<const clang::VarDecl*, TryValue> try_variables_;
  std::map<const clang::CXXConstructExpr*, const clang::VarDecl*> constructed_;
  std::set<const clang::Stmt*> member_initialisers_;  // a constructor's member initialisers
  std::map<const clang::Expr*, const clang::VarDecl*> results_;  // calls stored in a local
  // Local objects whose constructor bound reference members to the locks passed to it.
  std::map<const clang::VarDecl*, std::vector<std::pair<std::string, LockRef>>> bound_members_;
};

}  // namespace lockorder::analyzer::frontend
