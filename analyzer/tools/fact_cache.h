// Facts kept between runs: each translation unit's IR, stored under a key of its compile
// command, with the content hash of every file it read (its sources and headers). A unit whose
// command is the same and whose inputs all hash the same is not parsed again, so a run after a
// one-file change parses the units that read that file and nothing else, and still sees every
// cross-unit cycle. The key also covers the tool itself (its executable's contents) and the
// configuration, so a new build of the tool or another configuration starts afresh.
//
// Entries are plain files (cereal's binary archive, with the IR's bytes from ir_codec.h), one
// per file and command, written atomically; a damaged or foreign entry, or one from another
// build of the tool, is a miss (and is overwritten), never an error.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir.h"

namespace lockorder::analyzer {

// The content hash the cache keeps of a file's bytes; "" when the file cannot be read.
std::string file_hash(const std::string& path);

class FactCache {
 public:
  // `salt`: what else the facts depend on (the configuration's text).
  FactCache(std::string directory, const std::string& salt);

  struct Lookup {
    std::optional<TranslationUnitIR> unit;
    // No unit because `file` itself changed since this build of the tool stored its facts: the
    // file is being edited (and worth a preamble, unit_parsing.h).
    bool edited = false;
  };
  // The cached unit of `file` compiled by `command`, if its inputs are unchanged: by content,
  // or (with `changed`) by not being in the set of changed files.
  Lookup find(const std::string& file, const std::string& command,
              const std::set<std::string>* changed);
  // The unit an entry file holds, if it is this build's; its inputs are checked as for find
  // only with `check_inputs`.
  std::optional<TranslationUnitIR> read(const std::string& path,
                                        const std::set<std::string>* changed = nullptr,
                                        bool check_inputs = false);
  // Stores a parsed unit; returns an error message, empty on success.
  std::string store(const std::string& file, const std::string& command,
                    const TranslationUnitIR& unit);
  // Where the preamble of `file` compiled by `command` is kept (a path without its extension,
  // in a directory of its own that this returns created), or "" when it cannot be.
  std::string preamble_stem(const std::string& file, const std::string& command) const;
  // Deletes all but the `keep` most recently used preambles (each several MB for a file that
  // includes much of the standard library): only the files being edited now need one.
  void prune_preambles(std::size_t keep) const;

 private:
  std::string entry_key(const std::string& file, const std::string& command) const;
  std::string entry_path(const std::string& file, const std::string& command) const;
  // Reads an entry; `stale_inputs` gets the inputs that changed since it was stored.
  std::optional<TranslationUnitIR> read_entry(const std::string& path,
                                              const std::set<std::string>* changed,
                                              bool check_inputs,
                                              std::vector<std::string>* stale_inputs);
  std::string content_hash(const std::string& path);  // empty: unreadable

  std::string directory_;
  std::string salt_;
  std::map<std::string, std::string> hashes_;  // path -> content hash, once per run
};

// Every unit whose facts are in `directory` and were written by this build of the tool with
// the configuration `salt` (FactCache's entries, as --emit-facts writes them), whatever their
// inputs are now.
std::vector<TranslationUnitIR> load_facts(const std::string& directory, const std::string& salt);

// Changed files from `spec`: a file listing paths (one per line), or else a git revision range
// (`origin/main...HEAD`) whose changed files `git diff --name-only` lists. Paths are made
// absolute (a list's relative to the current directory, git's to the work tree). Throws
// std::runtime_error when neither works.
std::set<std::string> changed_files(const std::string& spec);

}  // namespace lockorder::analyzer
