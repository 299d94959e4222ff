// The analyzer's configuration file (--config=FILE, JSON): further lock types and guards by name,
// for code with neither standard types nor thread-safety annotations.
//
//   {
//     "mutexes": [ { "type": "util::SpinLock", "lock": ["Acquire"], "unlock": ["Release"],
//                    "try_lock": ["TryAcquire"], "lock_shared": [], "unlock_shared": [],
//                    "recursive": false } ],
//     "guards":  [ { "type": "util::SpinGuard", "shared": false } ]
//   }
//
// A mutex entry's method lists default to the common spellings (lock/Lock, unlock/Unlock,
// try_lock/TryLock, lock_shared/ReaderLock, unlock_shared/ReaderUnlock). A guard locks the first
// argument of its constructor that names a lock and unlocks it when destroyed.
#pragma once

#include <string>
#include <vector>

namespace lockorder::analyzer::frontend {

struct ConfiguredMutex {
  std::string type;  // qualified name, without template arguments
  std::vector<std::string> lock = {"lock", "Lock"};
  std::vector<std::string> unlock = {"unlock", "Unlock"};
  std::vector<std::string> try_lock = {"try_lock", "TryLock"};
  std::vector<std::string> lock_shared = {"lock_shared", "ReaderLock"};
  std::vector<std::string> unlock_shared = {"unlock_shared", "ReaderUnlock"};
  bool recursive = false;
};

struct ConfiguredGuard {
  std::string type;
  bool shared = false;
};

struct Configuration {
  std::vector<ConfiguredMutex> mutexes;
  std::vector<ConfiguredGuard> guards;
};

// Throws std::runtime_error naming the file and the problem when it cannot be read or is not
// a valid configuration.
Configuration load_configuration(const std::string& path);

}  // namespace lockorder::analyzer::frontend
