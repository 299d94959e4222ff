#include "fact_cache.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/xxhash.h>

#include <algorithm>
#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ir_codec.h"
#include "lockorder/report/sarif_writer.h"

namespace lockorder::analyzer {
namespace {

constexpr int kEntryFormat = 3;

// An entry, in this order: what wrote it (a format number and the tool's salt), each input with
// its content hash, then the unit's bytes (ir_codec.h); a reader stops at the first that does
// not match.
struct Entry {
  int format = 0;
  std::string tool;
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string unit;
};

std::string hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string hash_of(llvm::StringRef bytes) { return hex(llvm::xxh3_64bits(bytes)); }

std::string absolute(const std::string& path, const std::string& base) {
  llvm::SmallString<256> out(path);
  if (!llvm::sys::path::is_absolute(out)) {
    llvm::SmallString<256> joined(base);
    llvm::sys::path::append(joined, path);
    out = joined;
  }
  llvm::sys::path::remove_dots(out, /*remove_dot_dot=*/true);
  return std::string(out);
}

}  // namespace

std::string file_hash(const std::string& path) {
  auto buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  return buffer ? hash_of((*buffer)->getBuffer()) : std::string();
}

FactCache::FactCache(std::string directory, const std::string& salt)
    : directory_(std::move(directory)) {
  // The tool's own build: facts from another build of it may mean something else.
  salt_ = hash_of(file_hash("/proc/self/exe") + "\n" + salt);
}

std::string FactCache::entry_key(const std::string& file, const std::string& command) const {
  // One entry per file and command: a new build of the tool overwrites it rather than adding one.
  return hash_of(file + "\n" + command);
}

std::string FactCache::entry_path(const std::string& file, const std::string& command) const {
  llvm::SmallString<256> path(directory_);
  llvm::sys::path::append(path, entry_key(file, command) + ".facts");
  return std::string(path);
}

std::string FactCache::preamble_stem(const std::string& file, const std::string& command) const {
  // Absolute: the preamble is compiled and used from the compile command's directory.
  llvm::SmallString<256> path(directory_);
  if (llvm::sys::fs::make_absolute(path)) return {};
  llvm::sys::path::append(path, "preambles");
  if (llvm::sys::fs::create_directories(path)) return {};
  llvm::sys::path::append(path, entry_key(file, command));
  return std::string(path);
}

void FactCache::prune_preambles(std::size_t keep) const {
  llvm::SmallString<256> directory(directory_);
  llvm::sys::path::append(directory, "preambles");
  // A preamble is its stem's files (its text, `.h`, is always there); it was last used when its
  // list of inputs was last written or touched (unit_parsing.cc), else when its text was written.
  std::vector<std::pair<llvm::sys::TimePoint<>, std::string>> used;  // time, stem
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end; it != end && !error;
       it.increment(error)) {
    const llvm::StringRef path = it->path();
    if (!path.ends_with(".h")) continue;
    const std::string stem = path.drop_back(2).str();
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(stem + ".inputs", status) && llvm::sys::fs::status(path, status))
      continue;
    used.emplace_back(status.getLastModificationTime(), stem);
  }
  if (used.size() <= keep) return;
  std::sort(used.begin(), used.end(), std::greater<>());
  for (std::size_t i = keep; i < used.size(); ++i)
    for (const char* extension : {".h", ".pch", ".inputs", ".off"})
      llvm::sys::fs::remove(used[i].second + extension);
}

std::string FactCache::content_hash(const std::string& path) {
  auto [it, inserted] = hashes_.try_emplace(path);
  if (inserted) it->second = file_hash(path);
  return it->second;
}

FactCache::Lookup FactCache::find(const std::string& file, const std::string& command,
                                  const std::set<std::string>* changed) {
  std::vector<std::string> stale;
  Lookup found{read_entry(entry_path(file, command), changed, true, &stale), false};
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(file, real)) real = file;  // inputs are kept by real path
  found.edited = std::find(stale.begin(), stale.end(), std::string(real)) != stale.end();
  return found;
}

std::optional<TranslationUnitIR> FactCache::read(const std::string& path,
                                                 const std::set<std::string>* changed,
                                                 bool check_inputs) {
  return read_entry(path, changed, check_inputs, nullptr);
}

std::optional<TranslationUnitIR> FactCache::read_entry(const std::string& path,
                                                       const std::set<std::string>* changed,
                                                       bool check_inputs,
                                                       std::vector<std::string>* stale_inputs) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer) return std::nullopt;
  try {
    const llvm::StringRef bytes = (*buffer)->getBuffer();
    std::istringstream in{std::string(bytes)};
    cereal::BinaryInputArchive archive(in);
    Entry entry;
    archive(entry.format, entry.tool);
    if (entry.format != kEntryFormat || entry.tool != salt_) return std::nullopt;
    archive(entry.inputs);
    if (check_inputs) {
      bool stale = false;
      for (const auto& [input, hash] : entry.inputs)
        if (changed != nullptr ? changed->count(input) > 0 : content_hash(input) != hash) {
          stale = true;
          if (stale_inputs == nullptr) break;
          stale_inputs->push_back(input);
        }
      if (stale) return std::nullopt;
    }
    archive(entry.unit);
    return decode_unit(entry.unit);
  } catch (const std::exception&) {
    return std::nullopt;  // damaged or from another format: parse again
  }
}

std::string FactCache::store(const std::string& file, const std::string& command,
                             const TranslationUnitIR& unit) {
  if (std::error_code error = llvm::sys::fs::create_directories(directory_))
    return "cannot create the fact cache " + directory_ + ": " + error.message();
  Entry entry{kEntryFormat, salt_, {}, encode_unit(unit)};
  for (const std::string& path : unit.inputs) {
    std::string hash = content_hash(path);
    if (hash.empty()) return {};  // an input already gone: nothing worth keeping
    entry.inputs.emplace_back(path, std::move(hash));
  }
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive archive(out);
    archive(entry.format, entry.tool, entry.inputs, entry.unit);
  }
  return report::write_file_atomically(entry_path(file, command), std::move(out).str());
}

std::vector<TranslationUnitIR> load_facts(const std::string& directory, const std::string& salt) {
  FactCache cache(directory, salt);
  std::vector<TranslationUnitIR> units;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end; it != end && !error;
       it.increment(error)) {
    if (!llvm::StringRef(it->path()).ends_with(".facts")) continue;
    if (auto unit = cache.read(it->path())) units.push_back(std::move(*unit));
  }
  std::sort(units.begin(), units.end(),
            [](const TranslationUnitIR& a, const TranslationUnitIR& b) { return a.file < b.file; });
  return units;
}

std::set<std::string> changed_files(const std::string& spec) {
  std::set<std::string> out;
  llvm::SmallString<256> cwd;
  llvm::sys::fs::current_path(cwd);
  if (llvm::sys::fs::is_regular_file(spec)) {
    std::ifstream in(spec);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.insert(absolute(line, std::string(cwd)));
    return out;
  }
  // A revision range: git's paths are relative to the top of the work tree.
  auto run = [](const std::string& command) {
    std::string text;
    if (std::FILE* pipe = popen(command.c_str(), "r")) {
      char buffer[4096];
      for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        text.append(buffer, n);
      if (pclose(pipe) != 0) text.clear();
    }
    return text;
  };
  if (spec.find_first_of("'\\\"`$;&|<>") != std::string::npos)
    throw std::runtime_error("--changed-from: '" + spec +
                             "' is neither a file nor a revision range");
  std::string top = run("git rev-parse --show-toplevel 2>/dev/null");
  const std::string names = run("git diff --name-only '" + spec + "' 2>/dev/null");
  if (top.empty() || (names.empty() && run("git rev-parse --verify --quiet '" +
                                           spec.substr(0, spec.find("..")) + "' 2>/dev/null")
                                           .empty()))
    throw std::runtime_error("--changed-from: '" + spec +
                             "' is neither a file listing paths nor a git revision range here");
  if (!top.empty() && top.back() == '\n') top.pop_back();
  std::istringstream lines(names);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) out.insert(absolute(line, top));
  return out;
}

}  // namespace lockorder::analyzer
