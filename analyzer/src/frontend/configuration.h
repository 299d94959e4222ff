// The analyzer's configuration file (--config=FILE, JSON): further lock types and guards by name,
// for code with neither standard types nor thread-safety annotations.
//
//   {
//     "mutexes": [ { "type": "util::SpinLock", "lock": ["Acquire"], "unlock": ["Release"],
//                    "try_lock": ["TryAcquire"], "lock_shared": [], "unlock_shared": [],
//                    "recursive": false } ],
//     "guards":  [ { "type": "util::SpinGuard", "shared": false } ],
//     "functions": [ { "name": "possess", "lock": 0 }, { "name": "release", "unlock": 0 },
//                    { "name": "wait_for", "wait": 0 }, { "name": "nlMutexTryLock",
//                      "try_lock": 0, "success": "nonzero" } ]
//   }
//
// A mutex entry's method lists default to the common spellings (lock/Lock, unlock/Unlock,
// try_lock/TryLock, lock_shared/ReaderLock, unlock_shared/ReaderUnlock). A guard locks the first
// argument of its constructor that names a lock and unlocks it when destroyed. A function entry
// describes a C lock API: a free function (qualified name) that takes the lock as the argument
// at the given index and locks, locks shared, try-locks (succeeding when it returns non-zero, or
// zero as pthread's do), unlocks, or waits on it (releases and takes it back, as a condition
// wait does). Every entry should match something: the tool warns of one that matched nothing.
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

struct ConfiguredFunction {
  enum class Action { lock, lock_shared, try_lock, unlock, wait };
  std::string name;  // qualified name
  Action action = Action::lock;
  unsigned argument = 0;  // the lock's argument
  bool recursive = false;
  bool succeeds_on_zero = false;  // try_lock: 0 means it took the lock
};

struct Configuration {
  std::vector<ConfiguredMutex> mutexes;
  std::vector<ConfiguredGuard> guards;
  std::vector<ConfiguredFunction> functions;
  // Lock classes ("ns::Class::member", as findings name them) in the order they must be taken,
  // outermost first: taking one while holding one listed after it is a lock-hierarchy finding,
  // as for ACQUIRED_BEFORE.
  std::vector<std::string> order;
  // Every name an entry matches by: mutex and guard types, function names.
  std::vector<std::string> entry_names() const;
};

// Throws std::runtime_error naming the file and the problem when it cannot be read or is not
// a valid configuration.
Configuration load_configuration(const std::string& path);

}  // namespace lockorder::analyzer::frontend
