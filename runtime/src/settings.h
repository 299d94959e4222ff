// The runtime's current options: parsed from LOCKORDER_OPTIONS on first use, replaced by
// set_options(). Read on slow paths only, as an immutable snapshot.
#pragma once

#include <memory>

#include "lockorder/options.h"

namespace lockorder::internal {

std::shared_ptr<const options> current_options();

}  // namespace lockorder::internal
