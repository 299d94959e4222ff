// The runtime's current options: parsed from LOCKORDER_OPTIONS on first use, replaced by
// set_options(). Read on slow paths only, as an immutable snapshot.
#pragma once

#include <memory>

#include "lockorder/options.h"

namespace lockorder::internal {

std::shared_ptr<const options> current_options();
void lock_options_for_fork();
void unlock_options_after_fork();

// Whether the program runs under lockorder-run, unmodified: hints then name no lockorder API
// (the program cannot use one) but what any C or C++ program can do. Set once by the preload
// library before any lock is checked.
void mark_unmodified_program();
bool unmodified_program();

}  // namespace lockorder::internal
