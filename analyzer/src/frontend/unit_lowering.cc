#include "frontend/unit_lowering.h"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "frontend/access_path.h"
#include "frontend/callable_stores.h"
#include "frontend/function_lowering.h"
#include "frontend/std_apis.h"
#include "frontend/type_names.h"
#include "frontend/usr.h"

namespace lockorder::analyzer::frontend {
namespace {

class UnitVisitor : public clang::RecursiveASTVisitor<UnitVisitor> {
 public:
  UnitVisitor(clang::ASTContext& context, TranslationUnitIR& out, const LockApis& apis)
      : context_(context), out_(out), apis_(apis) {}

  bool shouldVisitTemplateInstantiations() const { return true; }

  // The standard library's own code is not checked (and walking it would cost most of the time).
  bool TraverseDecl(clang::Decl* d) {
    if (d != nullptr && !llvm::isa<clang::TranslationUnitDecl>(d) &&
        in_system_header(d->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(d);
  }

  bool VisitFunctionDecl(clang::FunctionDecl* f) {
    lower(f);
    return true;
  }
  bool VisitLambdaExpr(clang::LambdaExpr* lambda) {
    lower(lambda->getCallOperator());
    return true;
  }
  // Where functions and lambdas are stored for indirect calls (callable_stores.h): arguments,
  // assignments, initialisers.
  bool VisitCallExpr(clang::CallExpr* call) {
    if (const clang::FunctionDecl* callee = call->getDirectCallee())
      for (unsigned i = 0; i < call->getNumArgs() && i < callee->getNumParams(); ++i)
        store(parameter_place(callee, i), call->getArg(i));
    if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(call);
        op != nullptr && op->getOperator() == clang::OO_Equal && op->getNumArgs() == 2)
      store(place_key(op->getArg(0)), op->getArg(1));  // a std::function assigned
    return true;
  }
  bool VisitBinaryOperator(clang::BinaryOperator* op) {
    if (op->getOpcode() == clang::BO_Assign) store(place_key(op->getLHS()), op->getRHS());
    return true;
  }
  bool VisitInitListExpr(clang::InitListExpr* list) {
    // In field order (`{ .eval = f }` is visited in its written form).
    const clang::InitListExpr* fields = list->isSemanticForm() ? list : list->getSemanticForm();
    for (unsigned i = 0; fields != nullptr && i < fields->getNumInits(); ++i)
      store(initialised_member_place(*fields, i), fields->getInit(i));
    return true;
  }
  // std::thread, std::jthread: the callable runs on a thread of its own.
  bool VisitCXXConstructExpr(clang::CXXConstructExpr* construct) {
    const clang::CXXRecordDecl* r = construct->getConstructor()->getParent();
    if ((is_std(r, "thread") || is_std(r, "jthread")) && construct->getNumArgs() > 0)
      mark_thread_entry(construct->getArg(0));
    return true;
  }
  bool VisitFieldDecl(clang::FieldDecl* field) {
    declared_orders(field);
    return true;
  }
  bool VisitVarDecl(clang::VarDecl* var) {
    if (var->hasGlobalStorage()) declared_orders(var);
    if (var->getInit() != nullptr) store("var:" + usr_of(var), var->getInit());
    return true;
  }

  void finish() {
    for (FunctionIR& f : out_.functions)
      if (thread_entries_.count(f.usr)) f.is_thread_entry = true;
    out_.callables.assign(callables_.begin(), callables_.end());
    out_.place_copies.assign(place_copies_.begin(), place_copies_.end());
  }

 private:
  bool in_system_header(clang::SourceLocation location) const {
    const clang::SourceManager& sm = context_.getSourceManager();
    return location.isInvalid() || sm.isInSystemHeader(sm.getExpansionLoc(location));
  }

  void lower(clang::FunctionDecl* f) {
    if (f == nullptr || !f->doesThisDeclarationHaveABody() || f->isDependentContext() ||
        f->isInvalidDecl() || in_system_header(f->getLocation()) || !seen_.insert(f).second)
      return;
    if (has_lock_annotations(*f)) {
      FunctionIR trusted;
      trusted.usr = usr_of(f);
      trusted.name = f->getQualifiedNameAsString();
      trusted.trusted = true;
      out_.functions.push_back(std::move(trusted));
      return;
    }
    out_.functions.push_back(FunctionLowering(*f, context_, apis_).lower());
  }

  // `value` goes into place `to`: a function or lambda is stored there; another callable place
  // is copied there (what it holds, `to` holds too).
  void store(const std::string& to, const clang::Expr* value) {
    if (to.empty() || value == nullptr) return;
    if (const clang::FunctionDecl* f = stored_callable(value)) {
      if (!in_system_header(f->getLocation()))
        callables_.insert({usr_of(f->getCanonicalDecl()), callable_signature(*f), to});
    } else if (is_callable_type(value->getType())) {
      if (std::string from = place_key(value); !from.empty() && from != to)
        place_copies_.emplace(to, std::move(from));
    }
  }

  void mark_thread_entry(const clang::Expr* callable) {
    callable = callable->IgnoreParenImpCasts();
    if (const auto* temporary = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(callable))
      callable = temporary->getSubExpr()->IgnoreParenImpCasts();
    if (const auto* lambda = llvm::dyn_cast<clang::LambdaExpr>(callable)) {
      thread_entries_.insert(usr_of(lambda->getCallOperator()));
    } else if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(callable)) {
      if (const auto* f = llvm::dyn_cast<clang::FunctionDecl>(ref->getDecl()))
        thread_entries_.insert(usr_of(f));
    }
  }

  void declared_orders(const clang::ValueDecl* decl) {
    const std::string self = class_name(decl, context_);
    auto name_of = [&](const clang::Expr* e) -> std::string {
      e = e->IgnoreParenImpCasts();
      if (const auto* ref = llvm::dyn_cast<clang::DeclRefExpr>(e))
        return class_name(ref->getDecl(), context_);
      if (const auto* member = llvm::dyn_cast<clang::MemberExpr>(e))
        return class_name(member->getMemberDecl(), context_);
      return {};
    };
    const clang::SourceManager& sm = context_.getSourceManager();
    const clang::PresumedLoc where = sm.getPresumedLoc(sm.getExpansionLoc(decl->getLocation()));
    Site site;
    if (where.isValid()) {
      site.file = where.getFilename();
      site.line = static_cast<int>(where.getLine());
      site.column = static_cast<int>(where.getColumn());
    }
    for (const auto* before : decl->specific_attrs<clang::AcquiredBeforeAttr>())
      for (const clang::Expr* other : before->args())
        if (std::string name = name_of(other); !name.empty())
          out_.orders.push_back({self, name, site});
    for (const auto* after : decl->specific_attrs<clang::AcquiredAfterAttr>())
      for (const clang::Expr* other : after->args())
        if (std::string name = name_of(other); !name.empty())
          out_.orders.push_back({name, self, site});
  }

  clang::ASTContext& context_;
  TranslationUnitIR& out_;
  const LockApis& apis_;
  std::set<const clang::FunctionDecl*> seen_;
  std::set<std::string> thread_entries_;
  struct CallableLess {
    bool operator()(const Callable& a, const Callable& b) const {
      return std::tie(a.usr, a.signature, a.place) < std::tie(b.usr, b.signature, b.place);
    }
  };
  std::set<Callable, CallableLess> callables_;
  std::set<std::pair<std::string, std::string>> place_copies_;  // (to, from)
};

// Lets the parser skip the bodies of functions in system headers (when FrontendOptions::
// SkipFunctionBodies is on): lowering never reads them, and parsing them is much of a unit's
// parse (the standard library's templates instantiated for the unit). Sema parses a constexpr
// body, or one that deduces its return type, whatever this says.
class SystemBodySkipper : public clang::ASTConsumer {
 public:
  void Initialize(clang::ASTContext& context) override { sources_ = &context.getSourceManager(); }
  bool shouldSkipFunctionBody(clang::Decl* d) override {
    const clang::SourceLocation location = d->getLocation();
    return sources_ != nullptr && location.isValid() &&
           sources_->isInSystemHeader(sources_->getExpansionLoc(location));
  }

 private:
  const clang::SourceManager* sources_ = nullptr;
};

class UnitLowering : public SystemBodySkipper {
 public:
  UnitLowering(TranslationUnitIR& out, bool& parsed, const Configuration& configuration)
      : out_(out), parsed_(parsed), apis_(all_lock_apis(configuration, out.configured_uses)) {}

  void HandleTranslationUnit(clang::ASTContext& context) override {
    parsed_ = !context.getDiagnostics().hasUncompilableErrorOccurred();
    if (!parsed_) return;
    UnitVisitor visitor(context, out_, apis_);
    visitor.TraverseDecl(context.getTranslationUnitDecl());
    visitor.finish();
    out_.inputs = files_read(context.getSourceManager());
  }

 private:
  TranslationUnitIR& out_;
  bool& parsed_;
  LockApis apis_;
};

}  // namespace

std::vector<std::string> files_read(const clang::SourceManager& sources) {
  // The parse's own file entries, not those a precompiled preamble brought: their names are as
  // the PCH recorded them, and the preamble lists its inputs itself (unit_parsing.cc).
  std::vector<std::string> files;
  for (unsigned i = 0; i < sources.local_sloc_entry_size(); ++i) {
    const clang::SrcMgr::SLocEntry& entry = sources.getLocalSLocEntry(i);
    if (!entry.isFile()) continue;
    const clang::OptionalFileEntryRef file = entry.getFile().getContentCache().OrigEntry;
    if (!file) continue;  // a buffer of the compiler's own (<built-in>, the command line)
    const llvm::StringRef real = file->getFileEntry().tryGetRealPathName();
    files.push_back(real.empty() ? file->getName().str() : real.str());
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::unique_ptr<clang::ASTConsumer> make_system_body_skipper() {
  return std::make_unique<SystemBodySkipper>();
}

std::unique_ptr<clang::ASTConsumer> make_unit_lowering(TranslationUnitIR& out, bool& parsed,
                                                       const Configuration& configuration) {
  return std::make_unique<UnitLowering>(out, parsed, configuration);
}

}  // namespace lockorder::analyzer::frontend
