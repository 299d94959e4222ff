#include "order/edge_sources.h"

namespace lockorder::internal {

bool skips_edge(const ThreadState& thread, const HeldLock& held, std::uint64_t key,
                unsigned flags) {
  // Two locks of one class taken together by one ordered_lock are in canonical order.
  return held.node_key == key && (flags & kOrdered) && held.group != 0 &&
         held.group == thread.ordered_groups;
}

}  // namespace lockorder::internal
