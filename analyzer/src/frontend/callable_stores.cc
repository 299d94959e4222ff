#include "frontend/callable_stores.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>

#include "frontend/type_names.h"
#include "frontend/usr.h"

namespace lockorder::analyzer::frontend {
namespace {

// The field that element `index` of a struct's initialiser list initialises.
const clang::FieldDecl* field_at(const clang::InitListExpr& list, unsigned index) {
  const auto* record = list.getType()->getAsRecordDecl();
  if (record == nullptr) return nullptr;
  unsigned i = 0;
  for (const clang::FieldDecl* field : record->fields())
    if (i++ == index) return field;
  return nullptr;
}

}  // namespace

std::string parameter_place(const clang::FunctionDecl* function, unsigned index) {
  return "param:" + usr_of(function->getCanonicalDecl()) + "#" + std::to_string(index);
}

bool is_callable_type(clang::QualType type) {
  if (type.isNull()) return false;
  type = type.getNonReferenceType();
  if (type->isFunctionPointerType() || type->isMemberFunctionPointerType()) return true;
  return is_std(type->getAsCXXRecordDecl(), "function");
}

std::string place_key(const clang::Expr* callee) {
  if (callee == nullptr) return {};
  callee = callee->IgnoreParenCasts();
  if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(callee);
      unary != nullptr && unary->getOpcode() == clang::UO_Deref)
    callee = unary->getSubExpr()->IgnoreParenCasts();  // (*fp)(...)
  if (const auto* member = llvm::dyn_cast<clang::MemberExpr>(callee))
    return "member:" + usr_of(member->getMemberDecl());
  if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(callee)) {
    if (const auto* parameter = llvm::dyn_cast<clang::ParmVarDecl>(ref->getDecl()))
      if (const auto* f = llvm::dyn_cast_or_null<clang::FunctionDecl>(parameter->getDeclContext()))
        return parameter_place(f, parameter->getFunctionScopeIndex());
    return "var:" + usr_of(ref->getDecl());
  }
  return {};
}

const clang::FunctionDecl* stored_callable(const clang::Expr* value) {
  while (value != nullptr) {
    value = value->IgnoreParenCasts();
    if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(value))
      return llvm::dyn_cast<clang::FunctionDecl>(ref->getDecl());
    if (const auto* lambda = llvm::dyn_cast<clang::LambdaExpr>(value))
      return lambda->getCallOperator();
    if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(value)) {
      if (unary->getOpcode() != clang::UO_AddrOf) return nullptr;
      value = unary->getSubExpr();
    } else if (const auto* temporary = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(value)) {
      value = temporary->getSubExpr();
    } else if (const auto* bind = llvm::dyn_cast<clang::CXXBindTemporaryExpr>(value)) {
      value = bind->getSubExpr();
    } else if (const auto* cleanups = llvm::dyn_cast<clang::ExprWithCleanups>(value)) {
      value = cleanups->getSubExpr();
    } else if (const auto* construct = llvm::dyn_cast<clang::CXXConstructExpr>(value)) {
      if (construct->getNumArgs() != 1) return nullptr;  // std::function<...>(f)
      value = construct->getArg(0);
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

std::string initialised_member_place(const clang::InitListExpr& list, unsigned index) {
  const clang::FieldDecl* field = field_at(list, index);
  return field == nullptr ? std::string() : "member:" + usr_of(field);
}

}  // namespace lockorder::analyzer::frontend
