// Parses and lowers one translation unit with Clang, by its compile command (in a worker
// process, unit_workers.h).
//
// A unit being edited — parsed again because its own file changed since its facts were cached
// — keeps a precompiled preamble next to those facts, the way clangd keeps one for an open
// file (with --preambles=all, every unit parsed keeps one): the directives before the file's first
// declaration (its #include lines, mostly) compiled into a Clang PCH. The next change below those
// lines parses only the rest of the file. A preamble is used only while its text and every file it
// read are unchanged (Clang checks their sizes and times when it loads the PCH); one that is stale
// is rebuilt, one that does not work for its file (a header without include guards included again)
// is given up for that text, and the file is then parsed whole. The facts are the same either way.
#pragma once

#include <string>

#include "frontend/configuration.h"
#include "ir.h"

namespace clang::tooling {
class CompilationDatabase;
}

namespace lockorder::analyzer {

// Parses `file` by its first command in `db` and lowers it into `unit`; Clang's errors go to
// `messages`. `preamble_stem` (FactCache::preamble_stem) is where its preamble is kept, or ""
// to parse it whole. Returns whether the file parsed.
bool parse_unit(const clang::tooling::CompilationDatabase& db,
                const frontend::Configuration& config, const std::string& file,
                const std::string& preamble_stem, TranslationUnitIR& unit, std::string& messages);

}  // namespace lockorder::analyzer
