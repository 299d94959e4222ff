#include "frontend/callable_stores.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMapContext.h>

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

std::string store_key(const clang::Expr& callable, clang::ASTContext& context) {
  clang::DynTypedNode node = clang::DynTypedNode::create(callable);
  for (int depth = 0; depth < 8; ++depth) {
    const auto parents = context.getParents(node);
    if (parents.empty()) return {};
    const clang::DynTypedNode& parent = parents[0];
    const auto* child = node.get<clang::Expr>();
    if (const auto* var = parent.get<clang::VarDecl>()) return "var:" + usr_of(var);
    const auto* expr = parent.get<clang::Expr>();
    if (expr == nullptr) return {};
    if (const auto* assign = llvm::dyn_cast<clang::BinaryOperator>(expr)) {
      if (assign->getOpcode() != clang::BO_Assign || assign->getRHS() != child) return {};
      return place_key(assign->getLHS());
    }
    if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(expr)) {  // function = f
      if (op->getOperator() != clang::OO_Equal || op->getNumArgs() != 2 || op->getArg(1) != child)
        return {};
      return place_key(op->getArg(0));
    }
    if (const auto* designated = llvm::dyn_cast<clang::DesignatedInitExpr>(expr)) {  // .eval = f
      const auto* last = designated->getDesignator(designated->size() - 1);
      if (designated->size() == 0 || !last->isFieldDesignator() || last->getFieldDecl() == nullptr)
        return {};
      return "member:" + usr_of(last->getFieldDecl());
    }
    if (const auto* list = llvm::dyn_cast<clang::InitListExpr>(expr)) {
      for (unsigned i = 0; i < list->getNumInits(); ++i)
        if (list->getInit(i) == child)
          if (const clang::FieldDecl* field = field_at(*list, i)) return "member:" + usr_of(field);
      return {};
    }
    if (const auto* call = llvm::dyn_cast<clang::CallExpr>(expr)) {
      const clang::FunctionDecl* callee = call->getDirectCallee();
      if (callee == nullptr) return {};
      for (unsigned i = 0; i < call->getNumArgs() && i < callee->getNumParams(); ++i)
        if (call->getArg(i) == child) return parameter_place(callee, i);
      return {};
    }
    // Wrappers between the callable and where it goes: casts, `&f`, parentheses, temporaries,
    // a std::function made from it.
    const bool wrapper =
        llvm::isa<clang::CastExpr, clang::ParenExpr, clang::MaterializeTemporaryExpr,
                  clang::CXXBindTemporaryExpr, clang::ExprWithCleanups, clang::CXXConstructExpr>(
            expr) ||
        (llvm::isa<clang::UnaryOperator>(expr) &&
         llvm::cast<clang::UnaryOperator>(expr)->getOpcode() == clang::UO_AddrOf);
    if (!wrapper) return {};
    node = parent;
  }
  return {};
}

}  // namespace lockorder::analyzer::frontend
