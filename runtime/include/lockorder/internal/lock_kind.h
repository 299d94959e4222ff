// Internal: what kind of lock an instrumented lock is, how a thread holds it, and how an
// acquisition happens. Not part of the public promise.
#pragma once

#include <cstdint>

namespace lockorder::internal {

enum class LockKind : std::uint8_t {
  mutex,
  timed_mutex,
  recursive_mutex,
  recursive_timed_mutex,
  shared_mutex,
  shared_timed_mutex,
  // Not a lock: the life of a lockorder::thread, held by that thread from its start to its end,
  // and checked as acquired by a thread that joins it (thread_life.h).
  thread,
};

constexpr bool is_recursive(LockKind kind) {
  return kind == LockKind::recursive_mutex || kind == LockKind::recursive_timed_mutex;
}
const char* kind_name(LockKind kind);

enum class Mode : std::uint8_t { exclusive = 0, shared = 1 };

// How an acquisition happens; each flag changes which checks apply.
enum AcquireFlags : unsigned {
  kBlocking = 0,
  kTimed = 1u << 0,        // may time out: a self re-acquisition is reported but not fatal
  kOrdered = 1u << 1,      // taken by ordered_lock: later ordered_lock calls check against it
  kFailsOnSelf = 1u << 2,  // an error-checking lock: a self re-acquisition fails, it cannot hang
};

}  // namespace lockorder::internal
