#include "frontend/access_path.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/Support/Path.h>

#include "frontend/type_names.h"

namespace lockorder::analyzer::frontend {
namespace {

// Library calls that hand back their argument: std::ref(mu), std::move(lock), ...
bool forwards_argument(const clang::CallExpr* call) {
  const clang::FunctionDecl* callee = call->getDirectCallee();
  if (callee == nullptr || call->getNumArgs() != 1 || !callee->isInStdNamespace()) return false;
  const clang::IdentifierInfo* id = callee->getIdentifier();
  if (id == nullptr) return false;
  const llvm::StringRef name = id->getName();
  return name == "ref" || name == "cref" || name == "move" || name == "addressof" ||
         name == "forward" || name == "as_const";
}

// Smart-pointer and iterator access that does not change which object is meant.
bool is_pointer_like_access(const clang::CXXOperatorCallExpr* call) {
  return call->getOperator() == clang::OO_Arrow || call->getOperator() == clang::OO_Star;
}

}  // namespace

std::string field_name(const clang::FieldDecl* field) {
  return field->getParent()->getQualifiedNameAsString() + "::" + field->getNameAsString();
}

std::string class_name(const clang::ValueDecl* decl, const clang::ASTContext& context) {
  if (const auto* field = llvm::dyn_cast<clang::FieldDecl>(decl)) return field_name(field);
  const auto* var = llvm::dyn_cast<clang::VarDecl>(decl);
  std::string name = decl->getQualifiedNameAsString();
  // The file suffix below already tells internal names apart; "(anonymous namespace)::" is noise.
  for (std::size_t at; (at = name.find("(anonymous namespace)::")) != std::string::npos;)
    name.erase(at, sizeof("(anonymous namespace)::") - 1);
  if (var != nullptr && var->isStaticLocal()) {
    if (const auto* f =
            llvm::dyn_cast_or_null<clang::FunctionDecl>(var->getParentFunctionOrMethod()))
      name = f->getQualifiedNameAsString() + "()::" + var->getNameAsString();
  }
  if (var != nullptr && !var->isExternallyVisible()) {
    // Two files may each have their own `static std::mutex mu`: not one lock.
    const clang::SourceManager& sm = context.getSourceManager();
    const llvm::StringRef file = sm.getFilename(sm.getSpellingLoc(var->getLocation()));
    if (!file.empty()) name += " (" + llvm::sys::path::filename(file).str() + ")";
  }
  return name;
}

namespace {

// Whether `var` is assigned, incremented or has its address taken anywhere in `function`.
bool assigned_in(const clang::VarDecl* var, const clang::FunctionDecl* function) {
  class Finder : public clang::RecursiveASTVisitor<Finder> {
   public:
    explicit Finder(const clang::VarDecl* var) : var_(var) {}
    bool names(const clang::Expr* e) const {
      const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(e->IgnoreParenImpCasts());
      return ref != nullptr && ref->getDecl() == var_;
    }
    bool VisitBinaryOperator(clang::BinaryOperator* op) {
      found = found || (op->isAssignmentOp() && names(op->getLHS()));
      return !found;
    }
    bool VisitUnaryOperator(clang::UnaryOperator* op) {
      found = found || ((op->isIncrementDecrementOp() || op->getOpcode() == clang::UO_AddrOf) &&
                        names(op->getSubExpr()));
      return !found;
    }
    bool found = false;

   private:
    const clang::VarDecl* var_;
  };
  if (function == nullptr || function->getBody() == nullptr) return true;
  Finder finder(var);
  finder.TraverseStmt(function->getBody());
  return finder.found;
}

}  // namespace

bool AccessPaths::assigned(const clang::VarDecl* var) const {
  auto [it, inserted] = assigned_.try_emplace(var, false);
  if (inserted) it->second = assigned_in(var, function_);
  return it->second;
}

std::optional<LockRef> AccessPaths::of_decl(const clang::ValueDecl* decl) const {
  LockRef ref;
  if (const auto* field = llvm::dyn_cast<clang::FieldDecl>(decl)) {
    ref.root = LockRef::Root::object;
    ref.append_field(field_name(field), is_lock_type(field->getType()));
    ref.spelling = field->getNameAsString();
    return ref;
  }
  const auto* var = llvm::dyn_cast<clang::VarDecl>(decl);
  if (var == nullptr) return std::nullopt;
  ref.spelling = var->getNameAsString();
  if (const auto* parameter = llvm::dyn_cast<clang::ParmVarDecl>(var)) {
    if (parameter->getDeclContext() != function_) return std::nullopt;  // another function's
    ref.root = LockRef::Root::parameter;
    ref.parameter = parameter->getFunctionScopeIndex();
    return ref;
  }
  if (var->hasGlobalStorage()) {
    ref.root = LockRef::Root::global;
    ref.name = class_name(var, context_);
    return ref;
  }
  // A local reference bound once to a lock is that lock, and so is a local pointer initialised
  // to a lock's address and never assigned (`pthread_mutex_t *lock = &locks[hv & mask];`).
  if (var->getInit() != nullptr &&
      (var->getType()->isReferenceType() || (var->getType()->isPointerType() && !assigned(var))))
    if (auto bound = of(var->getInit())) return bound;
  ref.root = LockRef::Root::local;
  const auto* owner = llvm::dyn_cast_or_null<clang::FunctionDecl>(var->getParentFunctionOrMethod());
  ref.name =
      (owner ? owner->getQualifiedNameAsString() + "::" : std::string()) + var->getNameAsString();
  return ref;
}

std::optional<LockRef> AccessPaths::of(const clang::Expr* expr) const {
  expr = strip_wrappers(expr);
  if (expr == nullptr) return std::nullopt;
  // `(pthread_mutex_t *) lock`: a pointer cast names what the pointer does.
  if (const auto* cast = llvm::dyn_cast<clang::ExplicitCastExpr>(expr);
      cast != nullptr && cast->getType()->isPointerType())
    return of(cast->getSubExpr());
  if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(expr)) {
    if (unary->getOpcode() == clang::UO_AddrOf || unary->getOpcode() == clang::UO_Deref)
      return of(unary->getSubExpr());
    return std::nullopt;
  }
  if (llvm::isa<clang::CXXThisExpr>(expr)) {
    LockRef ref;
    ref.root = LockRef::Root::object;
    ref.spelling = "*this";
    return ref;
  }
  if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(expr)) return of_decl(ref->getDecl());
  if (const auto* member = llvm::dyn_cast<clang::MemberExpr>(expr)) {
    const clang::ValueDecl* decl = member->getMemberDecl();
    if (llvm::isa<clang::VarDecl>(decl)) return of_decl(decl);  // a static data member
    const auto* field = llvm::dyn_cast<clang::FieldDecl>(decl);
    if (field == nullptr) return std::nullopt;
    // In a constructor, a reference or pointer member initialised from a parameter is that
    // parameter's lock (a user's guard: `Hold(std::mutex& m) : m_(m) { m_.lock(); }`).
    if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructorDecl>(function_);
        ctor != nullptr &&
        llvm::isa<clang::CXXThisExpr>(member->getBase()->IgnoreParenImpCasts()) &&
        (field->getType()->isReferenceType() || field->getType()->isPointerType()))
      for (const clang::CXXCtorInitializer* init : ctor->inits())
        if (init->getMember() == field && init->getInit() != nullptr)
          if (auto bound = of(init->getInit()); bound && bound->root == LockRef::Root::parameter)
            return bound;
    // A reference member bound to another object's lock (`Session(Engine& e) : mu(e.mu)`) is
    // that lock: one lock must not become two classes.
    if (field->getType()->isReferenceType())
      if (auto bound = reference_member_target(field)) {
        bound->spelling = field->getNameAsString();
        return bound;
      }
    const bool view = field->getType()->isReferenceType() && bound_to_a_parameter(field);
    std::optional<LockRef> base = of(member->getBase());
    if (!base) {  // an object the analysis cannot name: still the same lock class
      base = LockRef{};
      base->root = LockRef::Root::unknown;
    }
    base->append_field(field_name(field), is_lock_type(field->getType()));
    base->view = base->view || view;
    const bool through_this =
        llvm::isa<clang::CXXThisExpr>(member->getBase()->IgnoreParenImpCasts());
    base->spelling =
        through_this || base->spelling.empty()
            ? field->getNameAsString()
            : base->spelling + (member->isArrow() ? "->" : ".") + field->getNameAsString();
    return base;
  }
  if (const auto* subscript = llvm::dyn_cast<clang::ArraySubscriptExpr>(expr)) {
    std::optional<LockRef> base = of(subscript->getBase());
    if (!base) return std::nullopt;
    base->element = true;
    base->spelling += "[]";
    return base;
  }
  if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(expr)) {
    if (op->getNumArgs() >= 1 && is_pointer_like_access(op)) return of(op->getArg(0));
    if (op->getOperator() == clang::OO_Subscript && op->getNumArgs() == 2) {
      std::optional<LockRef> base = of(op->getArg(0));
      if (!base) return std::nullopt;
      base->element = true;
      base->spelling += "[]";
      return base;
    }
    return std::nullopt;
  }
  if (const auto* call = llvm::dyn_cast<clang::CXXMemberCallExpr>(expr)) {
    // unique_ptr<Mutex>::get() and the like name the pointee.
    const clang::CXXMethodDecl* method = call->getMethodDecl();
    if (method != nullptr && method->getIdentifier() != nullptr && method->getName() == "get" &&
        call->getNumArgs() == 0)
      return of(call->getImplicitObjectArgument());
    return accessor_result(call, call->getImplicitObjectArgument());
  }
  if (const auto* call = llvm::dyn_cast<clang::CallExpr>(expr)) {
    if (forwards_argument(call)) return of(call->getArg(0));
    return accessor_result(call, nullptr);
  }
  return std::nullopt;
}

bool AccessPaths::bound_to_a_parameter(const clang::FieldDecl* field) const {
  const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(field->getParent());
  if (record == nullptr) return false;
  const clang::QualType bound_type =
      field->getType().getNonReferenceType().getCanonicalType().getUnqualifiedType();
  for (const clang::CXXConstructorDecl* ctor : record->ctors()) {
    const clang::FunctionDecl* definition = nullptr;
    if (!ctor->hasBody(definition)) {
      // Defined in another file: a constructor that is given a reference of the member's type
      // is taken to bind the member to it (SRT's UniqueLock(Mutex&) : m_Mutex(m)).
      for (const clang::ParmVarDecl* parameter : ctor->parameters())
        if (parameter->getType()->isReferenceType() &&
            parameter->getType().getNonReferenceType().getCanonicalType().getUnqualifiedType() ==
                bound_type)
          return true;
      continue;
    }
    const auto* defined = llvm::cast<clang::CXXConstructorDecl>(definition);
    for (const clang::CXXCtorInitializer* init : defined->inits()) {
      if (init->getMember() != field || init->getInit() == nullptr) continue;
      const clang::Expr* bound = strip_wrappers(init->getInit());
      if (const auto* ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(bound))
        if (llvm::isa<clang::ParmVarDecl>(ref->getDecl())) return true;
    }
  }
  return false;
}

std::optional<LockRef> AccessPaths::reference_member_target(const clang::FieldDecl* field) const {
  const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(field->getParent());
  if (record == nullptr) return std::nullopt;
  // Members bound to members (bound to members...) are followed a few levels deep; members bound
  // to each other stop.
  thread_local int depth = 0;
  if (depth >= 4) return std::nullopt;
  struct Deeper {
    Deeper() { ++depth; }
    ~Deeper() { --depth; }
  } deeper;
  for (const clang::CXXConstructorDecl* ctor : record->ctors()) {
    const clang::FunctionDecl* definition = nullptr;
    if (!ctor->hasBody(definition)) continue;
    const auto* defined = llvm::cast<clang::CXXConstructorDecl>(definition);
    for (const clang::CXXCtorInitializer* init : defined->inits()) {
      if (init->getMember() != field || init->getInit() == nullptr) continue;
      std::optional<LockRef> bound = AccessPaths(defined, context_).of(init->getInit());
      if (!bound) continue;
      if (bound->root == LockRef::Root::global) return bound;
      if (bound->fields.empty()) continue;  // bound to a whole parameter: nothing to name
      // Another object's member lock: its class, whichever object it is.
      LockRef target;
      target.root = LockRef::Root::unknown;
      target.fields = {bound->fields.back()};
      if (bound->class_start + 1 == static_cast<int>(bound->fields.size())) target.class_start = 0;
      target.element = bound->element;
      return target;
    }
  }
  return std::nullopt;
}

std::optional<LockRef> AccessPaths::accessor_result(const clang::CallExpr* call,
                                                    const clang::Expr* object) const {
  // Accessors of accessors are followed a few levels deep (and a recursive one stops).
  thread_local int depth = 0;
  if (depth >= 4 || call->getNumArgs() != 0) return std::nullopt;
  const clang::FunctionDecl* callee = call->getDirectCallee();
  const clang::FunctionDecl* definition = nullptr;
  if (callee == nullptr || !callee->hasBody(definition)) return std::nullopt;
  const auto* body = llvm::dyn_cast_or_null<clang::CompoundStmt>(definition->getBody());
  if (body == nullptr || body->size() != 1) return std::nullopt;
  const auto* returned = llvm::dyn_cast<clang::ReturnStmt>(body->body_front());
  if (returned == nullptr || returned->getRetValue() == nullptr) return std::nullopt;
  ++depth;
  std::optional<LockRef> inner = AccessPaths(definition, context_).of(returned->getRetValue());
  --depth;
  if (!inner) return std::nullopt;
  if (inner->root == LockRef::Root::global) return inner;
  if (inner->root != LockRef::Root::object || object == nullptr) return std::nullopt;
  // A member of the object the accessor is called on.
  std::optional<LockRef> path = of(object);
  if (!path) {
    path = LockRef{};
    path->root = LockRef::Root::unknown;
  }
  path->append_fields(*inner);
  path->element = path->element || inner->element;
  path->view = path->view || inner->view;
  const std::string accessor = callee->getNameAsString() + "()";
  path->spelling = path->spelling.empty() || path->spelling == "*this"
                       ? accessor
                       : path->spelling + "." + accessor;
  return path;
}

}  // namespace lockorder::analyzer::frontend
