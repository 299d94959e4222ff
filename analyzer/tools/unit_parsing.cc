#include "unit_parsing.h"

#include <clang/Basic/FileManager.h>
#include <clang/Basic/LangOptions.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Frontend/MultiplexConsumer.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Lex/Lexer.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/CompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "fact_cache.h"
#include "frontend/unit_lowering.h"
#include "lockorder/report/sarif_writer.h"

namespace lockorder::analyzer {
namespace {

namespace tooling = clang::tooling;

// Clang's headers from where the package installs them, and no warnings: only what stops
// parsing matters here.
tooling::ArgumentsAdjuster tool_arguments() {
  return tooling::getInsertArgumentAdjuster({"-resource-dir=" LOCKORDER_CLANG_RESOURCE_DIR, "-w"},
                                            tooling::ArgumentInsertPosition::END);
}

class LoweringAction : public clang::ASTFrontendAction {
 public:
  LoweringAction(TranslationUnitIR& unit, bool& parsed, const frontend::Configuration& config)
      : unit_(unit), parsed_(parsed), config_(config) {}

 protected:
  // The consumer says which bodies: those of system headers (make_unit_lowering).
  bool BeginInvocation(clang::CompilerInstance& compiler) override {
    compiler.getFrontendOpts().SkipFunctionBodies = true;
    return ASTFrontendAction::BeginInvocation(compiler);
  }
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance&,
                                                        llvm::StringRef) override {
    return frontend::make_unit_lowering(unit_, parsed_, config_);
  }

 private:
  TranslationUnitIR& unit_;
  bool& parsed_;
  const frontend::Configuration& config_;
};

class LoweringFactory : public tooling::FrontendActionFactory {
 public:
  LoweringFactory(TranslationUnitIR& unit, bool& parsed, const frontend::Configuration& config)
      : unit_(unit), parsed_(parsed), config_(config) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<LoweringAction>(unit_, parsed_, config_);
  }

 private:
  TranslationUnitIR& unit_;
  bool& parsed_;
  const frontend::Configuration& config_;
};

// A file built by several targets has several compile commands; one parse of it is enough (the
// same functions, by the same USRs).
class FirstCommandOnly : public tooling::CompilationDatabase {
 public:
  explicit FirstCommandOnly(const tooling::CompilationDatabase& db) : db_(db) {}
  std::vector<tooling::CompileCommand> getCompileCommands(llvm::StringRef file) const override {
    std::vector<tooling::CompileCommand> commands = db_.getCompileCommands(file);
    if (commands.size() > 1) commands.resize(1);
    return commands;
  }
  std::vector<std::string> getAllFiles() const override { return db_.getAllFiles(); }

 private:
  const tooling::CompilationDatabase& db_;
};

// Parses and lowers `file` with `extra` arguments after its own.
bool lower(const tooling::CompilationDatabase& db, const frontend::Configuration& config,
           const std::string& file, const std::vector<std::string>& extra, TranslationUnitIR& unit,
           std::string& messages) {
  llvm::raw_string_ostream stream(messages);
  // The printer keeps the options by reference count and frees them.
  clang::TextDiagnosticPrinter printer(stream, new clang::DiagnosticOptions());
  const FirstCommandOnly one(db);
  tooling::ClangTool tool(one, {file});
  tool.setDiagnosticConsumer(&printer);
  tool.appendArgumentsAdjuster(tool_arguments());
  // A parse on a preamble may fail for a stale preamble and is then tried again: quietly.
  tool.setPrintErrorMessage(extra.empty());
  if (!extra.empty())
    tool.appendArgumentsAdjuster(
        tooling::getInsertArgumentAdjuster(extra, tooling::ArgumentInsertPosition::END));
  bool parsed = false;
  LoweringFactory factory(unit, parsed, config);
  if (tool.run(&factory) != 0) parsed = false;
  stream.flush();
  if (!parsed) unit.functions.clear();
  return parsed;
}

std::string read_text(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

bool is_c(const std::string& file) { return llvm::StringRef(file).ends_with(".c"); }

// The directives and comments before the file's first declaration, as Clang's preambles take
// them; "" when it has none.
std::string preamble_text(const std::string& file) {
  const std::string source = read_text(file);
  clang::LangOptions language;
  language.CPlusPlus = !is_c(file);
  language.LineComment = true;
  const clang::PreambleBounds bounds = clang::Lexer::ComputePreamble(source, language);
  std::string text = source.substr(0, bounds.Size);
  if (!text.empty() && !bounds.PreambleEndsAtStartOfLine) text += "\n";
  return text;
}

// The files of one kept preamble: its text as a header, the PCH compiled from that header, the
// files the PCH read with their content hashes (one "hash path" a line; Clang checks only sizes
// and whole-second times), and a mark that this text did not work for its file.
struct KeptPreamble {
  explicit KeptPreamble(const std::string& stem)
      : text(stem + ".h"), pch(stem + ".pch"), inputs(stem + ".inputs"), unusable(stem + ".off") {}
  std::string text, pch, inputs, unusable;
};

// Compiles the preamble header into a PCH and notes the files that read.
class PreambleAction : public clang::GeneratePCHAction {
 public:
  PreambleAction(std::string output, std::vector<std::string>& inputs)
      : output_(std::move(output)), inputs_(inputs) {}

 protected:
  bool BeginInvocation(clang::CompilerInstance& compiler) override {
    compiler.getFrontendOpts().OutputFile = output_;
    compiler.getFrontendOpts().SkipFunctionBodies = true;
    return GeneratePCHAction::BeginInvocation(compiler);
  }
  // The PCH keeps no body of a system header's function: the parse on it would skip them too.
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler,
                                                        llvm::StringRef file) override {
    std::vector<std::unique_ptr<clang::ASTConsumer>> consumers;
    consumers.push_back(GeneratePCHAction::CreateASTConsumer(compiler, file));
    if (!consumers.back()) return nullptr;
    consumers.push_back(frontend::make_system_body_skipper());
    return std::make_unique<clang::MultiplexConsumer>(std::move(consumers));
  }
  void EndSourceFileAction() override {
    inputs_ = frontend::files_read(getCompilerInstance().getSourceManager());
    GeneratePCHAction::EndSourceFileAction();
  }

 private:
  std::string output_;
  std::vector<std::string>& inputs_;
};

// Writes `text` as the preamble's header and compiles it with the file's own flags, so that
// Clang accepts the PCH for the file.
bool build_preamble(const tooling::CompilationDatabase& db, const std::string& file,
                    const std::string& text, const KeptPreamble& kept) {
  const std::vector<tooling::CompileCommand> commands = db.getCompileCommands(file);
  if (commands.empty()) return false;
  const tooling::CompileCommand& command = commands.front();
  llvm::sys::fs::remove(kept.pch);
  if (!report::write_file_atomically(kept.text, text).empty()) return false;
  const tooling::ArgumentsAdjuster adjust = tooling::combineAdjusters(
      tooling::combineAdjusters(tooling::getClangStripOutputAdjuster(),
                                tooling::getClangStripDependencyFileAdjuster()),
      tooling::combineAdjusters(tooling::getClangSyntaxOnlyAdjuster(), tool_arguments()));
  std::vector<std::string> arguments = adjust(command.CommandLine, command.Filename);
  std::erase(arguments, command.Filename);
  // The header stands where the file's first lines stood: its quoted includes are looked up
  // in the file's directory first, as they would be there.
  llvm::SmallString<256> directory(command.Filename);
  llvm::sys::fs::make_absolute(command.Directory, directory);
  llvm::sys::path::remove_filename(directory);
  arguments.insert(arguments.begin() + 1, {"-iquote", directory.str().str()});
  arguments.insert(arguments.end(), {"-x", is_c(file) ? "c-header" : "c++-header", kept.text});

  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> files(
      llvm::vfs::createPhysicalFileSystem().release());
  if (files->setCurrentWorkingDirectory(command.Directory)) return false;
  llvm::IntrusiveRefCntPtr<clang::FileManager> manager(
      new clang::FileManager(clang::FileSystemOptions(), files));
  std::vector<std::string> inputs;
  tooling::ToolInvocation invocation(arguments, std::make_unique<PreambleAction>(kept.pch, inputs),
                                     manager.get());
  clang::IgnoringDiagConsumer quiet;
  invocation.setDiagnosticConsumer(&quiet);
  if (!invocation.run() || !llvm::sys::fs::exists(kept.pch) || inputs.empty()) return false;
  llvm::SmallString<256> header;  // as the parse named it: by its real path
  if (llvm::sys::fs::real_path(kept.text, header)) header = kept.text;
  std::string listed;
  for (const std::string& input : inputs)
    if (input != header) listed += file_hash(input) + " " + input + "\n";
  return report::write_file_atomically(kept.inputs, listed).empty();
}

// The kept preamble's inputs, by path, with their content hashes then.
std::vector<std::pair<std::string, std::string>> preamble_inputs(const KeptPreamble& kept) {
  std::vector<std::pair<std::string, std::string>> inputs;
  const std::string listed = read_text(kept.inputs);
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(listed).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    const auto [hash, path] = line.split(' ');
    inputs.emplace_back(path.str(), hash.str());
  }
  return inputs;
}

// A kept preamble that matches `text`, is whole, and read files that are still as they were.
bool kept_for(const KeptPreamble& kept, const std::string& text) {
  if (read_text(kept.text) != text || !llvm::sys::fs::exists(kept.pch)) return false;
  const auto inputs = preamble_inputs(kept);
  return !inputs.empty() && std::all_of(inputs.begin(), inputs.end(), [](const auto& input) {
    return file_hash(input.first) == input.second;
  });
}

// The unit's inputs are what the parse read besides the preamble (frontend::files_read names
// only its own), and the files the preamble read: a change to any of them invalidates the facts
// as it would without a preamble.
void add_preamble_inputs(const KeptPreamble& kept, TranslationUnitIR& unit) {
  for (auto& [path, hash] : preamble_inputs(kept)) unit.inputs.push_back(std::move(path));
  std::sort(unit.inputs.begin(), unit.inputs.end());
  unit.inputs.erase(std::unique(unit.inputs.begin(), unit.inputs.end()), unit.inputs.end());
}

}  // namespace

bool parse_unit(const tooling::CompilationDatabase& db, const frontend::Configuration& config,
                const std::string& file, const std::string& preamble_stem, TranslationUnitIR& unit,
                std::string& messages) {
  const std::string text = preamble_stem.empty() ? std::string() : preamble_text(file);
  const KeptPreamble kept(preamble_stem);
  if (text.empty() || read_text(kept.unusable) == text)
    return lower(db, config, file, {}, unit, messages);
  // This text does not work as a preamble of this file (it includes a header that cannot be
  // included twice, say): the file is parsed whole until its preamble changes.
  auto parse_whole = [&] {
    llvm::sys::fs::remove(kept.pch);
    report::write_file_atomically(kept.unusable, text);
    return lower(db, config, file, {}, unit, messages);
  };
  bool fresh = false;
  if (!kept_for(kept, text)) {
    if (!build_preamble(db, file, text, kept)) return parse_whole();
    fresh = true;
  } else {
    // Used now: FactCache::prune_preambles keeps the most recently used. (The list of inputs,
    // not the text: Clang rejects a PCH whose input files' times changed.)
    std::error_code ignored;  // at worst, a preamble in use is pruned and built again
    std::filesystem::last_write_time(kept.inputs, std::filesystem::file_time_type::clock::now(),
                                     ignored);
  }
  // A stale kept preamble (a header it read changed) fails to load: build it again, once.
  for (;;) {
    TranslationUnitIR attempt;
    attempt.file = unit.file;
    std::string attempt_messages;
    // Quiet: a failed attempt must not count its errors on stderr either.
    if (lower(db, config, file, {"-include-pch", kept.pch, "-fno-caret-diagnostics"}, attempt,
              attempt_messages)) {
      add_preamble_inputs(kept, attempt);
      unit = std::move(attempt);
      messages += attempt_messages;
      return true;
    }
    if (fresh || !build_preamble(db, file, text, kept)) return parse_whole();
    fresh = true;
  }
}

}  // namespace lockorder::analyzer
