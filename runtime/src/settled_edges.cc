#include "settled_edges.h"

#include <sys/mman.h>

#include <new>

namespace lockorder::internal {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

SettledEdges::SettledEdges() : slots_(nullptr) {
  void* table = mmap(nullptr, kSlots * sizeof(std::uint64_t), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  // Zero-filled pages are zero atomics: the empty slot.
  if (table != MAP_FAILED) slots_ = static_cast<std::atomic<std::uint64_t>*>(table);
}

bool SettledEdges::contains(std::uint64_t hash) const {
  if (slots_ == nullptr) return false;
  const std::size_t start = home(hash);
  for (std::size_t probe = 0; probe < kProbes; ++probe) {
    const std::uint64_t seen = slots_[(start + probe) % kSlots].load(std::memory_order_acquire);
    if (seen == hash) return true;
    if (seen == 0) return false;
  }
  return false;
}

void SettledEdges::insert(std::uint64_t hash) {
  if (slots_ == nullptr) return;
  const std::size_t start = home(hash);
  for (std::size_t probe = 0; probe < kProbes; ++probe) {
    std::atomic<std::uint64_t>& slot = slots_[(start + probe) % kSlots];
    std::uint64_t seen = slot.load(std::memory_order_relaxed);
    if (seen == 0 && slot.compare_exchange_strong(seen, hash, std::memory_order_release,
                                                  std::memory_order_relaxed))
      return;
    if (seen == hash) return;
  }
}

SettledEdges& settled_edges() {
  // Never destroyed: threads may still lock while the process exits.
  alignas(SettledEdges) static unsigned char storage[sizeof(SettledEdges)];
  static SettledEdges* edges = new (storage) SettledEdges();
  return *edges;
}

}  // namespace lockorder::internal
