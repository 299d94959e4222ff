// The preload library's wait-for graph, for a watchdog linked into the program it runs (see
// lockorder/internal/preloaded_wait_for.h).
#include <cstdlib>
#include <cstring>
#include <string>

#include "checked_lock.h"
#include "lockorder/internal/preloaded_wait_for.h"

using namespace lockorder::preload;

extern "C" {

LOCKORDER_EXPORT char* lockorder_preload_blocked_threads() {
  InsideRuntime inside;  // the snapshot takes the runtime's own locks: not the program's
  try {
    std::string text = lockorder::encode_blocked_threads(lockorder::blocked_threads());
    char* out = static_cast<char*>(std::malloc(text.size() + 1));
    if (out != nullptr) std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
  } catch (...) {
    return nullptr;  // out of memory: no explanation rather than a crash
  }
}

LOCKORDER_EXPORT void lockorder_preload_publish_every_wait(int on) {
  InsideRuntime inside;
  lockorder::publish_every_wait(on != 0);
}

}  // extern "C"
