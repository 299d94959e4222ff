#include "frontend/type_names.h"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/Type.h>

namespace lockorder::analyzer::frontend {

const clang::CXXRecordDecl* record_of(clang::QualType type) {
  if (type.isNull()) return nullptr;
  type = type.getNonReferenceType();
  if (type->isPointerType()) type = type->getPointeeType();
  return type->getAsCXXRecordDecl();
}

const clang::CXXRecordDecl* record_of(const clang::Expr* expr) {
  return expr == nullptr ? nullptr : record_of(expr->getType());
}

bool is_std(const clang::CXXRecordDecl* record, const char* name) {
  return record != nullptr && record->isInStdNamespace() && record->getIdentifier() != nullptr &&
         record->getName() == name;
}

bool is_lockorder(const clang::CXXRecordDecl* record, const char* name) {
  if (record == nullptr || record->getIdentifier() == nullptr || record->getName() != name)
    return false;
  const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(record->getDeclContext());
  return ns != nullptr && ns->getIdentifier() != nullptr && ns->getName() == "lockorder";
}

bool is_lock_type(clang::QualType type) {
  if (type.isNull()) return false;
  type = type.getNonReferenceType();
  if (type->isPointerType()) type = type->getPointeeType();
  if (const clang::Type* element = type->getBaseElementTypeUnsafe(); element != nullptr)
    type = clang::QualType(element, 0);
  for (clang::QualType sugar = type;;) {
    const auto* alias = sugar->getAs<clang::TypedefType>();
    if (alias == nullptr) break;
    const llvm::StringRef name = alias->getDecl()->getName();
    if (name == "pthread_mutex_t" || name == "pthread_rwlock_t" || name == "pthread_spinlock_t")
      return true;
    sugar = alias->desugar();
  }
  const clang::CXXRecordDecl* record = type->getAsCXXRecordDecl();
  if (record == nullptr || !record->hasDefinition()) return false;
  for (const char* name : {"mutex", "recursive_mutex", "timed_mutex", "recursive_timed_mutex",
                           "shared_mutex", "shared_timed_mutex"})
    if (is_std(record, name)) return true;
  if (record->hasAttr<clang::CapabilityAttr>()) return true;
  for (const clang::CXXMethodDecl* method : record->methods())
    if (method->getIdentifier() != nullptr &&
        (method->getName() == "lock" || method->getName() == "Lock"))
      return true;
  return false;
}

namespace {
std::string spelled(clang::QualType type) {
  return type.getCanonicalType().getUnqualifiedType().getAsString();
}
}  // namespace

std::string callable_signature(clang::QualType type) {
  if (type.isNull()) return {};
  type = type.getNonReferenceType();
  if (type->isPointerType()) type = type->getPointeeType();
  if (const auto* member = type->getAs<clang::MemberPointerType>()) type = member->getPointeeType();
  const auto* function = type->getAs<clang::FunctionProtoType>();
  if (function == nullptr) return {};
  std::string out = spelled(function->getReturnType()) + "(";
  for (unsigned i = 0; i < function->getNumParams(); ++i)
    out += (i ? ", " : "") + spelled(function->getParamType(i));
  return out + ")";
}

std::string callable_signature(const clang::FunctionDecl& function) {
  std::string out = spelled(function.getReturnType()) + "(";
  for (unsigned i = 0; i < function.getNumParams(); ++i)
    out += (i ? ", " : "") + spelled(function.getParamDecl(i)->getType());
  return out + ")";
}

std::string qualified_name(const clang::CXXRecordDecl* record) {
  return record == nullptr ? std::string() : record->getQualifiedNameAsString();
}

const clang::Expr* strip_wrappers(const clang::Expr* e) {
  while (e != nullptr) {
    const clang::Expr* next = e->IgnoreParenImpCasts();
    if (const auto* c = llvm::dyn_cast<clang::ExprWithCleanups>(next)) next = c->getSubExpr();
    if (const auto* m = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(next))
      next = m->getSubExpr();
    if (const auto* b = llvm::dyn_cast<clang::CXXBindTemporaryExpr>(next)) next = b->getSubExpr();
    if (next == e) return e;
    e = next;
  }
  return e;
}

}  // namespace lockorder::analyzer::frontend
