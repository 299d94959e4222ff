// Naming locks from expressions: the access path of a lock operand (lock_ref.h) as Clang sees it.
//
// `mu`, `&mu`, `this->mu_`, `from->mu_`, `(*p).inner.mu`, `locks[i]`, a unique_ptr's `p->mu`,
// `std::ref(mu)` and an accessor's result (`acct->mutex()`, a function whose body is
// `return mu_;`: the member of the object it is called on, or a global) all name a path; any
// other call's result or anything else the analysis cannot follow yields nullopt (no lock is
// assumed).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "lock_ref.h"

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FieldDecl;
class FunctionDecl;
class ValueDecl;
class VarDecl;
}  // namespace clang

namespace lockorder::analyzer::frontend {

class AccessPaths {
 public:
  // `function`: whose parameters and locals the paths are rooted at.
  AccessPaths(const clang::FunctionDecl* function, const clang::ASTContext& context)
      : function_(function), context_(context) {}

  std::optional<LockRef> of(const clang::Expr* expr) const;
  // A path that is the declaration itself (a global or a field of `this`).
  std::optional<LockRef> of_decl(const clang::ValueDecl* decl) const;

 private:
  // The lock an accessor call returns (`object`: what it is called on, nullptr for a free
  // function), or nullopt when the callee is not an accessor.
  std::optional<LockRef> accessor_result(const clang::CallExpr* call,
                                         const clang::Expr* object) const;
  // The lock a reference member is bound to by its class's constructors (a global, or another
  // object's member lock by class), or nullopt.
  std::optional<LockRef> reference_member_target(const clang::FieldDecl* field) const;
  // Whether a reference member is bound by a constructor to a whole parameter (a guard's view of
  // whatever lock it is given).
  bool bound_to_a_parameter(const clang::FieldDecl* field) const;
  // Whether a local variable is ever assigned (or has its address taken) in the function.
  bool assigned(const clang::VarDecl* var) const;

  const clang::FunctionDecl* function_;
  const clang::ASTContext& context_;
  mutable std::map<const clang::VarDecl*, bool> assigned_;
};

// The lock-class name of a declaration: a global's qualified name (with its file when it is
// internal to one translation unit), a field as "Class::field".
std::string class_name(const clang::ValueDecl* decl, const clang::ASTContext& context);
std::string field_name(const clang::FieldDecl* field);

}  // namespace lockorder::analyzer::frontend
