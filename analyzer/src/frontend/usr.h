// Function identity across translation units: Clang's Unified Symbol Resolution string, the same
// for a function's declaration in a header and its definition in a source file.
#pragma once

#include <string>

namespace clang {
class Decl;
}

namespace lockorder::analyzer::frontend {

std::string usr_of(const clang::Decl* decl);

}  // namespace lockorder::analyzer::frontend
