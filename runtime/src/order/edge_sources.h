// Which held entries get an edge of their own into a lock being taken.
#pragma once

#include <cstddef>
#include <cstdint>

#include "threads/thread_state.h"

namespace lockorder::internal {

// Whether the edge held -> (lock with `key`) is left out: locks of one class taken together by
// one ordered_lock call.
bool skips_edge(const ThreadState& thread, const HeldLock& held, std::uint64_t key, unsigned flags);

// Calls visit(i) for each held entry that gets an edge of its own into a lock with node key `key`
// taken with `flags`, in no particular order; stops when visit returns false. On a stack no
// deeper than HeldStack::kShallow, every entry (edges from every held lock: reports show each
// pair directly). Deeper, only the heads of the stack (see HeldStack; a head whose edge is left
// out hands that duty to the entry below it) and the kOuterSources outermost entries (the locks
// a report most needs to name directly): every other entry reaches the lock through the edges
// between neighbours, so the edges per acquisition do not grow with the depth.
inline constexpr std::size_t kOuterSources = 2;

template <class Visit>
void for_each_edge_source(const ThreadState& thread, std::uint64_t key, unsigned flags,
                          Visit&& visit) {
  const HeldStack& held = thread.held;
  const std::size_t outer = held.size() <= HeldStack::kShallow ? held.size() : kOuterSources;
  for (std::size_t i = 0; i < outer; ++i)
    if (!skips_edge(thread, held[i], key, flags) && !visit(i)) return;
  for (std::ptrdiff_t h = static_cast<std::ptrdiff_t>(held.size()) - 1;
       h >= static_cast<std::ptrdiff_t>(outer);) {
    const auto i = static_cast<std::size_t>(h);
    if (skips_edge(thread, held[i], key, flags)) {
      --h;
      continue;
    }
    if (!visit(i)) return;
    h = held.next_head(i);
  }
}

}  // namespace lockorder::internal
