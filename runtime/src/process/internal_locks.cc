#include "process/internal_locks.h"

#ifndef NDEBUG
#include <cstdio>
#include <cstdlib>

namespace lockorder::internal {
namespace {

// The internal locks this thread holds, a bit each.
__attribute__((tls_model("initial-exec"))) constinit thread_local std::uint32_t t_held = 0;

const char* name_of(unsigned rank) {
  static const char* const kNames[] = {"symbolizer",      "graph",         "settled_inserts",
                                       "wait_for_graph",  "report_output", "options",
                                       "thread_registry", "resolver"};
  static_assert(sizeof kNames / sizeof *kNames == static_cast<unsigned>(InternalLock::resolver) + 1,
                "a name for each of the runtime's locks, in their order");
  return rank < sizeof kNames / sizeof *kNames ? kNames[rank] : "?";
}

}  // namespace

void internal_lock_acquiring(InternalLock lock) noexcept {
  const auto rank = static_cast<unsigned>(lock);
  const std::uint32_t same_or_later = ~((1u << rank) - 1);
  if (const std::uint32_t broken = t_held & same_or_later; broken != 0) {
    std::fprintf(stderr,
                 "lockorder: internal error: the runtime's lock '%s' taken while holding '%s' "
                 "(process/internal_locks.h states their order)\n",
                 name_of(rank), name_of(static_cast<unsigned>(__builtin_ctz(broken))));
    std::abort();
  }
  t_held |= 1u << rank;
}

void internal_lock_released(InternalLock lock) noexcept {
  t_held &= ~(1u << static_cast<unsigned>(lock));
}

}  // namespace lockorder::internal
#endif
