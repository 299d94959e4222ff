#include "order/thread_orders.h"

namespace lockorder::internal {

void HashCache::insert(std::uint64_t hash) {
  std::uint64_t& slot = slots_[index(hash)];
  if (slot != 0 && slot != hash && ++evictions_ > size() && size() < max_size_) {
    // Thrashing: twice as large, keeping what it knew (each entry forgotten is another visit to
    // the shared tables).
    std::unique_ptr<std::uint64_t[]> old = std::move(slots_);
    const std::size_t old_size = size();
    slots_ = std::make_unique<std::uint64_t[]>(2 * old_size);
    --shift_;
    evictions_ = 0;
    for (std::size_t i = 0; i < old_size; ++i)
      if (old[i] != 0) slots_[index(old[i])] = old[i];
    slots_[index(hash)] = hash;
    return;
  }
  slot = hash;
}

}  // namespace lockorder::internal
