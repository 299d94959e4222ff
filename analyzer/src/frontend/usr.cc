#include "frontend/usr.h"

#include <clang/AST/Decl.h>
#include <clang/Index/USRGeneration.h>
#include <llvm/ADT/SmallString.h>

namespace lockorder::analyzer::frontend {

std::string usr_of(const clang::Decl* decl) {
  llvm::SmallString<128> usr;
  if (clang::index::generateUSRForDecl(decl, usr)) {
    // No USR (rare: some implicit declarations): fall back to the name, still stable per program.
    if (const auto* named = llvm::dyn_cast<clang::NamedDecl>(decl))
      return "name:" + named->getQualifiedNameAsString();
    return {};
  }
  return std::string(usr);
}

}  // namespace lockorder::analyzer::frontend
