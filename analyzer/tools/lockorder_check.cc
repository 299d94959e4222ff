// lockorder-check: finds lock-order cycles, double-locks and declared-order violations in C and
// C++ sources, across functions and translation units, with no annotations needed.
//
//   lockorder-check -p BUILD_DIR [FILES...]      files from compile_commands.json (all if none)
//   lockorder-check FILES... -- COMPILER_FLAGS   a fixed compilation database
//
// Exit status: 0 no findings, 1 findings, 2 the tool could not do its job.
#include <clang/Basic/Version.h>
#include <clang/Tooling/CommonOptionsParser.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/raw_ostream.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "diagnostics.h"
#include "fact_cache.h"
#include "findings.h"
#include "frontend/configuration.h"
#include "frontend/unit_lowering.h"
#include "lockorder/report/baseline.h"
#include "lockorder/report/dot_writer.h"
#include "lockorder/report/graph_file.h"
#include "lockorder/report/sarif_writer.h"
#include "program_analysis.h"
#include "suppressions.h"
#include "unit_parsing.h"
#include "unit_workers.h"

namespace cl = llvm::cl;
namespace tooling = clang::tooling;
using namespace lockorder::analyzer;

namespace {

cl::OptionCategory category("lockorder-check options");
cl::opt<std::string> sarif_file("sarif",
                                cl::desc("Write SARIF 2.1.0 to <file> ('-': stdout, "
                                         "instead of the diagnostics)"),
                                cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> dot_file("dot", cl::desc("Write the static lock-order graph as Graphviz DOT"),
                              cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> graph_file(
    "graph",
    cl::desc("Write the static lock-order graph for lockorder-report, which confirms its cycles "
             "with the runtime's graphs and names what the runtime saw that it did not"),
    cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> config_file("config",
                                 cl::desc("Further lock and guard types (JSON; see "
                                          "docs/lockorder-check.md)"),
                                 cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> baseline_file("baseline",
                                   cl::desc("Report only findings not in this baseline"),
                                   cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> write_baseline_file("write-baseline",
                                         cl::desc("Write every finding to this baseline file"),
                                         cl::value_desc("file"), cl::cat(category));
cl::opt<unsigned> jobs("j",
                       cl::desc("Translation units analysed in parallel (default: the "
                                "number of cores)"),
                       cl::value_desc("N"), cl::init(0), cl::Prefix, cl::cat(category));
cl::opt<std::string> checks(
    "checks",
    cl::desc("Rules to report, clang-tidy's syntax: globs separated by commas, '-' to remove "
             "(e.g. -*,lockorder-double-lock); all by default"),
    cl::value_desc("globs"), cl::cat(category));
cl::opt<bool> read_read_cycles("read-read-cycles",
                               cl::desc("Also report cycles in which every acquisition is shared "
                                        "(they deadlock only with writer-preferring locks)"),
                               cl::cat(category));
cl::opt<unsigned> max_cycles("max-cycles",
                             cl::desc("Count at most this many cycles per group of locks"),
                             cl::init(10000), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("No progress and no summary on stderr"), cl::cat(category));
cl::opt<bool> allow_parse_errors(
    "allow-parse-errors",
    cl::desc("Exit 0 or 1 by the findings even when some files could not be parsed (by default "
             "such a run exits 2: it did not check everything)"),
    cl::cat(category));
cl::opt<double> progress_interval(
    "progress-interval",
    cl::desc("Without a terminal, a progress line every <seconds> while parsing [10]"),
    cl::value_desc("seconds"), cl::init(10), cl::cat(category));
cl::opt<std::string> cache_dir(
    "cache-dir",
    cl::desc("Keep each file's facts here between runs (default with -p: BUILD/.lockorder-cache)"),
    cl::value_desc("dir"), cl::cat(category));
cl::opt<bool> no_cache("no-cache", cl::desc("Parse every file; keep no facts between runs"),
                       cl::cat(category));
cl::opt<std::string> changed_from(
    "changed-from",
    cl::desc("Parse only the files that read a changed file, from a list of paths or a git "
             "revision range; the others' facts come from the cache"),
    cl::value_desc("file-list|range"), cl::cat(category));
cl::opt<std::string> emit_facts(
    "emit-facts",
    cl::desc("Parse the files and write their facts to <dir>, for a later --facts run (a build "
             "that distributes compilation can distribute this), without checking"),
    cl::value_desc("dir"), cl::cat(category));
cl::opt<std::string> facts_dir(
    "facts", cl::desc("Check the whole program from the facts --emit-facts wrote to <dir>"),
    cl::value_desc("dir"), cl::cat(category));
enum class PreambleMode { edited, all };
cl::opt<PreambleMode> preambles(
    "preambles",
    cl::desc("Which parsed files keep a precompiled preamble (their #include lines compiled), so "
             "that their next change parses only the rest"),
    cl::values(clEnumValN(PreambleMode::edited, "edited",
                          "the files that changed since their facts were cached (default)"),
               clEnumValN(PreambleMode::all, "all",
                          "every file: the first change of any file is fast too (for an "
                          "edit-check loop; a run that fills the cache takes about 1.5x as "
                          "long, and each preamble takes disk: about 8 MB a file on SRT)")),
    cl::init(PreambleMode::edited), cl::cat(category));
cl::opt<unsigned> kept_preambles(
    "kept-preambles",
    cl::desc("With --preambles=edited, how many files keep their preamble (the most recently "
             "used)"),
    cl::init(8), cl::Hidden, cl::cat(category));
cl::opt<bool> timings("timings", cl::desc("Print how long each phase took"), cl::Hidden,
                      cl::cat(category));
cl::opt<std::string> dump_ir("dump-ir",
                             cl::desc("Print the lock operations of the functions whose name "
                                      "contains <text> (for reporting analyzer bugs)"),
                             cl::value_desc("text"), cl::Hidden, cl::cat(category));

const std::vector<std::string> kRules = {"lockorder-lock-order-inversion", "lockorder-double-lock",
                                         "lockorder-lock-hierarchy", "lockorder-instance-order",
                                         "lockorder-callback-under-lock"};
// Off unless --checks names them: they report what may well be intended.
const std::vector<std::string> kOptInRules = {"lockorder-instance-order",
                                              "lockorder-callback-under-lock"};

const char* op_name(OpKind kind) {
  static const char* const names[] = {"acquire",      "try_acquire", "release",     "guard_acquire",
                                      "guard_try",    "guard_adopt", "guard_defer", "guard_unlock",
                                      "guard_disown", "guard_move",  "guard_end",   "call",
                                      "forget",       "returns"};
  static_assert(std::size(names) == static_cast<std::size_t>(OpKind::returns) + 1);
  return names[static_cast<int>(kind)];
}

void print_ir(const FunctionIR& f) {
  std::cerr << f.name << (f.trusted ? " (annotated)" : "") << "\n";
  for (std::size_t b = 0; b < f.blocks.size(); ++b) {
    std::cerr << "  block " << b << " ->";
    for (const Successor& s : f.blocks[b].successors)
      std::cerr << " " << s.block
                << (s.try_id >= 0 || s.slot >= 0 ? (s.succeeded ? "(ok)" : "(failed)") : "");
    std::cerr << "\n";
    for (const Op& op : f.blocks[b].ops) {
      std::cerr << "    " << op.site.line << ": " << op_name(op.kind);
      if (op.slot >= 0) std::cerr << " slot " << op.slot;
      for (const LockOperand& o : op.operands) std::cerr << " " << o.lock.lock_class();
      if (op.kind == OpKind::call) std::cerr << " " << op.call.name;
      std::cerr << "\n";
    }
  }
}

const char* kExtraHelp = R"(
Rules: lock-order-inversion (formerly lock-order-cycle, still accepted), double-lock,
lock-hierarchy; opt-in (--checks=*,... or by name):
instance-order, callback-under-lock (see docs/lockorder-check.md).
Suppress a finding with clang-tidy's comments at its line: // NOLINT(lockorder-double-lock),
// NOLINTNEXTLINE(lockorder-*) on the line before, NOLINTBEGIN(...) ... NOLINTEND(...) around;
or one acquisition's edges with a comment on its line:  // lockorder: ignore
Exit status: 0 no findings, 1 findings, 2 the tool could not do its job (bad arguments, no
database, or a file that could not be parsed, unless --allow-parse-errors). --write-baseline
exits 0 when it wrote the baseline.
)";

// What to try when a C file does not parse: old C (K&R definitions, implicit declarations) is
// an error in the C standard Clang assumes by default.
const char* parse_hint(const std::string& file) {
  if (!llvm::StringRef(file).ends_with(".c")) return "";
  return "lockorder-check: note: old C code often parses with -std=gnu89 or "
         "-Wno-implicit-function-declaration (after '--', or --extra-arg=...)\n";
}

// Every file, `workers` at a time, with progress: a line kept up to date on a terminal, else a
// line every --progress-interval seconds (a CI log shows the run is alive). A file with an entry
// in `preamble_stems` keeps its preamble there (unit_parsing.h).
std::vector<UnitOutcome> lower_all(const tooling::CompilationDatabase& db,
                                   const std::vector<std::string>& files,
                                   const std::map<std::string, std::string>& preamble_stems,
                                   const frontend::Configuration& config, unsigned workers) {
  const bool progress = !quiet && isatty(STDERR_FILENO);
  const bool progress_lines = !quiet && !progress;
  auto last_line = std::chrono::steady_clock::now();
  std::size_t done = 0;
  auto outcomes = lower_in_workers(
      files, workers,
      [&](const std::string& file, TranslationUnitIR& unit, std::string& messages) {
        const auto stem = preamble_stems.find(file);
        return parse_unit(db, config, file, stem == preamble_stems.end() ? "" : stem->second, unit,
                          messages);
      },
      [&](std::size_t index, const UnitOutcome& outcome) {
        ++done;
        if (progress) std::cerr << "\r\033[K";
        std::cerr << outcome.messages;
        if (!outcome.parsed)
          std::cerr << "lockorder-check: error: " << files[index]
                    << " could not be parsed; its functions are not checked\n"
                    << parse_hint(files[index]);
        if (progress)
          std::cerr << "[" << done << "/" << files.size() << "] " << files[index] << std::flush;
        const auto now = std::chrono::steady_clock::now();
        if (progress_lines &&
            (now - last_line >= std::chrono::duration<double>(progress_interval) ||
             done == files.size())) {
          last_line = now;
          std::cerr << "lockorder-check: " << done << " of " << files.size() << " files parsed\n";
        }
      });
  if (progress) std::cerr << "\r\033[K" << std::flush;
  return outcomes;
}

bool write(const std::string& path, const std::string& contents) {
  const std::string error = lockorder::report::write_file_atomically(path, contents);
  if (error.empty()) return true;
  std::cerr << "lockorder-check: " << error << "\n";
  return false;
}

std::string summary_line(const std::vector<lockorder::report::Report>& reports) {
  std::map<std::string, int> by_kind;
  for (const auto& r : reports) ++by_kind[r.kind];
  std::string text =
      std::to_string(reports.size()) + (reports.size() == 1 ? " finding" : " findings");
  if (!by_kind.empty()) {
    text += " (";
    bool first = true;
    for (const auto& [kind, n] : by_kind) {
      text += (first ? "" : ", ") + std::to_string(n) + " " + kind;
      first = false;
    }
    text += ")";
  }
  return text;
}

// The -p argument (libTooling's own option, which CommonOptionsParser does not expose).
std::string build_path(int argc, const char** argv) {
  for (int i = 1; i < argc; ++i) {
    const llvm::StringRef arg = argv[i];
    if (arg == "--") break;
    if ((arg == "-p" || arg == "--p") && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("-p=")) return arg.substr(3).str();
    if (arg.starts_with("--p=")) return arg.substr(4).str();
  }
  return ".";
}

bool explicit_build_path(int argc, const char** argv) {
  for (int i = 1; i < argc; ++i) {
    const llvm::StringRef arg = argv[i];
    if (arg == "--") break;
    if (arg == "-p" || arg == "--p" || arg.starts_with("-p=") || arg.starts_with("--p="))
      return true;
  }
  return false;
}

// A file's compile command as the cache keys it: its directory and arguments.
std::string command_of(const tooling::CompilationDatabase& db, const std::string& file) {
  std::string text;
  for (const tooling::CompileCommand& c : db.getCompileCommands(file)) {
    text += c.Directory;
    for (const std::string& arg : c.CommandLine) text += "\n" + arg;
    break;  // the first command is the one parsed (FirstCommandOnly)
  }
  return text;
}

// The configuration's text, which the facts depend on ("" without one).
std::string config_text(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Ends the process at once: freeing the whole program's facts (millions of small strings) one by
// one would take longer than finding the cycles, and the system takes the memory back anyway.
[[noreturn]] int finish(int status) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}

// LLVM's parser takes any unknown option that begins with -h for a request for help (and exits
// 0 without checking anything): a CI gate must not pass by accident, so such an option is an
// error here.
bool unknown_help_like_option(int argc, const char** argv) {
  static const std::set<std::string> help = {"-h",
                                             "-help",
                                             "--help",
                                             "-help-hidden",
                                             "--help-hidden",
                                             "-help-list",
                                             "--help-list",
                                             "-help-list-hidden",
                                             "--help-list-hidden"};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return false;
    if ((arg.starts_with("-h") || arg.starts_with("--h")) && !help.count(arg)) {
      std::cerr << "lockorder-check: unknown option '" << arg
                << "'\nTry 'lockorder-check --help'.\n";
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, const char** argv) {
  if (unknown_help_like_option(argc, argv)) return 2;
  cl::SetVersionPrinter([](llvm::raw_ostream& out) {
    out << "lockorder-check " << LOCKORDER_VERSION << " (Clang " << CLANG_VERSION_STRING
        << " libTooling)\n";
  });
  cl::extrahelp common(tooling::CommonOptionsParser::HelpMessage);
  cl::extrahelp more(kExtraHelp);
  auto parser = tooling::CommonOptionsParser::create(
      argc, argv, category, cl::ZeroOrMore, "lockorder-check: lock-order cycles from source");
  if (!parser) {
    const std::string error = llvm::toString(parser.takeError());
    std::cerr << (llvm::StringRef(error).starts_with("lockorder-check") ? "" : "lockorder-check: ")
              << error;
    if (llvm::StringRef(error).contains("compilation database"))
      std::cerr << "\nlockorder-check: give a build directory with compile_commands.json "
                   "(-p DIR), or compiler flags after '--'";
    std::cerr << "\n";
    return 2;
  }
  std::vector<std::string> files = parser->getSourcePathList();
  const bool from_facts = !facts_dir.empty();
  if (from_facts && (!files.empty() || !emit_facts.empty() || !changed_from.empty())) {
    std::cerr << "lockorder-check: --facts checks the facts in its directory alone: no files, "
                 "--emit-facts or --changed-from with it\n";
    return 2;
  }
  // With no files named, CommonOptionsParser loads no database: load the one -p names.
  std::unique_ptr<tooling::CompilationDatabase> whole;
  if (files.empty() && !from_facts) {
    std::string error;
    whole = tooling::CompilationDatabase::autoDetectFromDirectory(build_path(argc, argv), error);
    if (!whole) {
      std::cerr << "lockorder-check: " << error
                << "\nlockorder-check: give a build directory with compile_commands.json "
                   "(-p DIR), or files and compiler flags after '--'\n";
      return 2;
    }
    files = whole->getAllFiles();
  }
  const tooling::FixedCompilationDatabase none(".", {});  // --facts: nothing is compiled
  const tooling::CompilationDatabase& db =
      whole ? *whole
            : (from_facts ? static_cast<const tooling::CompilationDatabase&>(none)
                          : parser->getCompilations());
  if (files.empty() && !from_facts) {
    std::cerr << "lockorder-check: the compilation database lists no files\n";
    return 2;
  }

  std::optional<RuleFilter> rules;
  try {
    rules.emplace(checks.getValue(), kOptInRules);
  } catch (const std::invalid_argument& e) {
    std::cerr << "lockorder-check: " << e.what() << "\n";
    return 2;
  }
  for (const std::string& glob : rules->unmatched(kRules))
    std::cerr << "lockorder-check: warning: --checks: '" << glob << "' matches no rule (rules: "
              << "lockorder-lock-order-inversion, lockorder-double-lock, lockorder-lock-hierarchy, "
                 "lockorder-instance-order, lockorder-callback-under-lock)\n";

  frontend::Configuration config;
  lockorder::report::Baseline baseline;
  try {
    if (!config_file.empty()) config = frontend::load_configuration(config_file);
    if (!baseline_file.empty()) baseline = lockorder::report::read_baseline(baseline_file);
  } catch (const std::exception& e) {
    std::cerr << "lockorder-check: " << e.what() << "\n";
    return 2;
  }

  const unsigned workers =
      jobs != 0 ? jobs.getValue() : std::max(1u, std::thread::hardware_concurrency());
  using Clock = std::chrono::steady_clock;
  auto phase_start = Clock::now();
  auto phase_done = [&](const char* phase) {
    if (!timings) return;
    const auto now = Clock::now();
    std::cerr << "lockorder-check: " << phase << ": "
              << std::chrono::duration<double>(now - phase_start).count() << " s\n";
    phase_start = now;
  };
  // Facts of unchanged files from the cache; the rest parsed (and stored).
  std::optional<FactCache> cache;
  const std::string cache_path =
      !emit_facts.empty() ? emit_facts.getValue()
      : no_cache          ? std::string()
      : !cache_dir.empty()
          ? cache_dir.getValue()
          : (explicit_build_path(argc, argv) ? build_path(argc, argv) + "/.lockorder-cache"
                                             : std::string());
  std::optional<std::set<std::string>> changed;
  if (!changed_from.empty()) {
    if (cache_path.empty()) {
      std::cerr << "lockorder-check: --changed-from takes the other files' facts from the "
                   "cache: give -p or --cache-dir, without --no-cache\n";
      return 2;
    }
    try {
      changed = changed_files(changed_from);
    } catch (const std::exception& e) {
      std::cerr << "lockorder-check: " << e.what() << "\n";
      return 2;
    }
  }
  if (preambles.getNumOccurrences() > 0 && (cache_path.empty() || !emit_facts.empty())) {
    std::cerr << "lockorder-check: --preambles keeps preambles in the cache: give -p or "
                 "--cache-dir, without --no-cache or --emit-facts\n";
    return 2;
  }
  if (!cache_path.empty()) cache.emplace(cache_path, config_text(config_file));
  std::vector<TranslationUnitIR> units;
  std::vector<std::string> to_parse;
  if (from_facts) {
    units = load_facts(facts_dir, config_text(config_file));
    for (const TranslationUnitIR& unit : units) files.push_back(unit.file);
    if (units.empty()) {
      std::cerr << "lockorder-check: --facts: no facts of this build of the tool in " << facts_dir
                << " (written by --emit-facts with the same --config)\n";
      return 2;
    }
  }
  std::map<std::string, std::string> preamble_stems;  // of the files that keep a preamble
  for (const std::string& file : from_facts ? std::vector<std::string>{} : files) {
    FactCache::Lookup cached;
    if (cache && emit_facts.empty())
      cached = cache->find(file, command_of(db, file), changed ? &*changed : nullptr);
    if (cached.unit) {
      units.push_back(std::move(*cached.unit));
      continue;
    }
    to_parse.push_back(file);
    if (cached.edited || (cache && emit_facts.empty() && preambles == PreambleMode::all))
      if (std::string stem = cache->preamble_stem(file, command_of(db, file)); !stem.empty())
        preamble_stems.emplace(file, std::move(stem));
  }
  if (cache && !quiet && emit_facts.empty())
    std::cerr << "lockorder-check: " << units.size() << " of " << files.size()
              << " files' facts from the cache, " << to_parse.size() << " to parse\n";
  std::vector<UnitOutcome> outcomes = lower_all(db, to_parse, preamble_stems, config, workers);
  if (!preamble_stems.empty())
    cache->prune_preambles(preambles == PreambleMode::all
                               ? std::max<std::size_t>(kept_preambles, files.size())
                               : kept_preambles);
  phase_done("parsing and lowering");
  std::size_t failed = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    UnitOutcome& o = outcomes[i];
    if (!o.parsed) {
      ++failed;
      continue;
    }
    if (cache)
      if (std::string error = cache->store(to_parse[i], command_of(db, to_parse[i]), o.unit);
          !error.empty())
        std::cerr << "lockorder-check: warning: " << error << "\n";
    units.push_back(std::move(o.unit));
  }
  if (!emit_facts.empty()) {  // the facts are the product: a later --facts run checks them
    if (!quiet)
      std::cerr << "lockorder-check: facts of " << units.size() << " of " << files.size()
                << " files written to " << emit_facts.getValue() << "\n";
    return finish(failed != 0 && !allow_parse_errors ? 2 : 0);
  }
  {
    // A configuration entry that matched nothing is most often a misspelt or unqualified name.
    std::set<std::string> used;
    for (const TranslationUnitIR& unit : units)
      used.insert(unit.configured_uses.begin(), unit.configured_uses.end());
    for (const std::string& name : config.entry_names())
      if (!used.count(name))
        std::cerr << "lockorder-check: warning: --config: '" << name << "' matched nothing in the "
                  << units.size() << " files checked (is it the qualified name?)\n";
  }
  if (!dump_ir.empty())
    for (const TranslationUnitIR& unit : units)
      for (const FunctionIR& f : unit.functions)
        if (f.name.find(dump_ir) != std::string::npos) print_ir(f);
  if (units.empty()) {
    std::cerr << "lockorder-check: no file could be parsed\n";
    return 2;
  }

  // The findings are the same whichever units came from the cache: the program is put together
  // in one order.
  std::sort(units.begin(), units.end(),
            [](const TranslationUnitIR& x, const TranslationUnitIR& y) { return x.file < y.file; });
  ProgramFacts facts = analyse_program_then_exit(units);
  // The configuration's order, as if each lock class were ACQUIRED_BEFORE the next.
  for (std::size_t i = 0; i + 1 < config.order.size(); ++i) {
    Site declared;
    declared.file = config_file;
    facts.orders.push_back({config.order[i], config.order[i + 1], std::move(declared)});
  }
  phase_done("summaries");
  FindingOptions options;
  options.read_read_cycles = read_read_cycles;
  options.max_cycles = max_cycles;
  Findings findings = find_problems(facts, options);
  phase_done("cycles");
  // The rules a team turned off, by --checks or by NOLINT comments at the finding.
  NolintComments nolint;
  std::size_t nolinted = 0;
  std::erase_if(findings.reports, [&](const lockorder::report::Report& r) {
    const std::string rule = "lockorder-" + r.kind;
    if (!rules->enabled(rule)) return true;
    const lockorder::report::Frame* at = primary_frame(r);
    if (at == nullptr || !nolint.suppressed(at->file, at->line, rule)) return false;
    ++nolinted;
    return true;
  });

  bool ok = true;
  if (!write_baseline_file.empty())
    ok = write(write_baseline_file,
               lockorder::report::render_baseline("lockorder-check", findings.reports)) &&
         ok;
  auto [reported, known, fixed] =
      lockorder::report::compare_with_baseline(std::move(findings.reports), baseline);
  char cwd[4096];
  const lockorder::report::SarifTool tool{"lockorder-check", LOCKORDER_VERSION,
                                          getcwd(cwd, sizeof cwd) != nullptr ? cwd : "",
                                          LOCKORDER_DOCS_URI};
  if (sarif_file == "-") {
    std::cout << lockorder::report::render_sarif(tool, reported);
  } else {
    std::cout << render_diagnostics(reported);
    if (!sarif_file.empty())
      ok = write(sarif_file, lockorder::report::render_sarif(tool, reported)) && ok;
  }
  if (!graph_file.empty())
    ok = write(graph_file, lockorder::report::render_graph_file(findings.graph_file)) && ok;
  if (!dot_file.empty())
    ok = write(dot_file, lockorder::report::render_dot(
                             findings.graph, "static lock-order graph (held -> acquired)")) &&
         ok;
  if (!quiet) {
    for (const auto& [print, message] : fixed)
      std::cerr << "lockorder-check: fixed (in the baseline, no longer found): "
                << (message.empty() ? print : message) << "\n";
    if (!fixed.empty())
      std::cerr << "lockorder-check: note: --write-baseline=" << baseline_file.getValue()
                << " drops the fixed findings from the baseline\n";
    for (const std::string& note : findings.notes)
      std::cerr << "lockorder-check: note: " << note << "\n";
    std::cerr << "lockorder-check: " << units.size() << " of " << files.size() << " files, "
              << facts.functions << " functions: " << summary_line(reported);
    if (known != 0) std::cerr << "; " << known << " more in the baseline";
    if (!baseline_file.empty() && !fixed.empty())
      std::cerr << "; " << fixed.size() << " in the baseline fixed";
    if (nolinted != 0) std::cerr << "; " << nolinted << " suppressed by NOLINT";
    if (failed != 0) std::cerr << "; " << failed << " files could not be parsed";
    std::cerr << "\n";
  }
  if (!ok) return finish(2);
  if (failed != 0 && !allow_parse_errors) {
    std::cerr << "lockorder-check: " << failed << (failed == 1 ? " file" : " files")
              << " could not be parsed, so the run is incomplete: exit status 2 "
                 "(--allow-parse-errors accepts that)\n";
    return finish(2);
  }
  // Writing a baseline adopts today's findings: a success, so that `set -e` scripts go on.
  return finish(!write_baseline_file.empty() || reported.empty() ? 0 : 1);
}
