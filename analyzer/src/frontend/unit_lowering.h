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
// the unit had errors, `parsed` is set false and `out` keeps no functions. With
// FrontendOptions::SkipFunctionBodies on, the parser skips the bodies of functions in system
// headers (make_system_body_skipper).
std::unique_ptr<clang::ASTConsumer> make_unit_lowering(TranslationUnitIR& out, bool& parsed,
                                                       const Configuration& configuration);

// A consumer that only says which function bodies the parser may skip, when FrontendOptions::
// SkipFunctionBodies is on: those in system headers, which lowering never reads (a function that
// only the standard library's code instantiates, such as a generic lambda passed to
// std::for_each, is then not lowered either). make_unit_lowering's consumer says the same; this
// one is for a parse that writes a precompiled preamble (clang::MultiplexConsumer asks every
// consumer, and skips only what all of them would).
std::unique_ptr<clang::ASTConsumer> make_system_body_skipper();

// Every file a parse read (its sources and headers, by real path where the system gives one),
// sorted: what its facts depend on.
std::vector<std::string> files_read(const clang::SourceManager& sources);

}  // namespace lockorder::analyzer::frontend
