// The lock APIs the analyzer knows (see lock_api.h), and the set used by default.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frontend/lock_api.h"

namespace clang {
class FunctionDecl;
}

namespace lockorder::analyzer::frontend {

struct Configuration;

std::unique_ptr<LockApi> make_annotated_api();
std::unique_ptr<LockApi> make_std_api();
std::unique_ptr<LockApi> make_pthread_api();
// `used` collects the names of the entries it matched (each once).
std::unique_ptr<LockApi> make_configured_api(const Configuration& configuration,
                                             std::vector<std::string>& used);

// Whether a function's effect on locks is declared by thread-safety attributes (then its body is
// not analysed: the annotation is the contract, as for Clang's own analysis).
bool has_lock_annotations(const clang::FunctionDecl& function);

// Every API, annotations first (a user's annotated type wins over a guess by name).
LockApis all_lock_apis(const Configuration& configuration, std::vector<std::string>& used);

}  // namespace lockorder::analyzer::frontend
