// Lowers a whole translation unit: every function defined in it (template instantiations and
// lambda bodies included, system headers skipped), the threads it starts, and the lock orders
// its declarations state (ACQUIRED_BEFORE / ACQUIRED_AFTER).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frontend/configuration.h"
#include "ir.h"

namespace clang {
class ASTConsumer;
class SourceManager;
}  // namespace clang

namespace lockorder::analyzer::frontend {

// An AST consumer that fills `out` when the unit has been parsed; `out.file` must be set. If
// the unit had errors, `parsed` is set false and `out` keeps no functions.
std::unique_ptr<clang::ASTConsumer> make_unit_lowering(TranslationUnitIR& out, bool& parsed,
                                                       const Configuration& configuration);

// Every file a parse read (its sources and headers, by real path where the system gives one),
// sorted: what its facts depend on.
std::vector<std::string> files_read(const clang::SourceManager& sources);

}  // namespace lockorder::analyzer::frontend
