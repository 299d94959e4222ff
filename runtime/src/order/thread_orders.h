// ThreadOrders: the part of KnownOrders (known_orders.h) that each thread keeps for itself, in its
// ThreadState, touched only by that thread.
#pragma once

#include "lockorder/internal/hash_cache.h"

namespace lockorder::internal {

// (Its chain cache, which the lock types' inline part asks, is ThreadHot::chains.)
struct ThreadOrders {
  // Settled edges (edge_key, edge_below_key) this thread recorded or found in the shared set. It
  // may grow larger than the chain cache: learning a chain of n locks asks it for up to 2n edges.
  HashCache settled{65536};
};

}  // namespace lockorder::internal
