#include "order/settled_edges.h"

#include <sys/mman.h>

namespace lockorder::internal {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

SettledEdges::Table SettledEdges::make_table(unsigned bits) {
  const std::size_t bytes = (std::size_t{1} << bits) * sizeof(std::uint64_t);
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  const bool huge = bytes >= kHugePage;
  // A huge-page table gets one huge page more, so that it can start on a huge-page boundary.
  void* mapping = mmap(nullptr, bytes + (huge ? kHugePage : 0), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) return {};
  std::uintptr_t start = reinterpret_cast<std::uintptr_t>(mapping);  // page-aligned
  if (huge) {
    start = (start + kHugePage - 1) & ~(kHugePage - 1);
    // Lookups read a page before inserts write it, so with small pages each page of a large
    // table would first map the shared zero page and then take a copy-on-write fault whose TLB
    // flush interrupts every CPU the program runs on. Huge pages (where the kernel offers them
    // on request) take a few such faults instead of thousands.
    madvise(reinterpret_cast<void*>(start), bytes, MADV_HUGEPAGE);
  }
  // Zero-filled pages are zero atomics: empty slots.
  return {reinterpret_cast<std::atomic<std::uint64_t>*>(start), bits};
}

SettledEdges::Placement SettledEdges::place(const Table& table, std::uint64_t hash) {
  const std::size_t start = table.home(hash);
  const std::size_t mask = table.size() - 1;
  for (std::size_t probe = 0; probe < kProbes; ++probe) {
    std::atomic<std::uint64_t>& slot = table.slots[(start + probe) & mask];
    const std::uint64_t seen = slot.load(std::memory_order_relaxed);
    if (seen == hash) return Placement::present;
    if (seen == 0) {
      slot.store(hash, std::memory_order_release);  // the only writer: inserts hold insert_mu_
      return Placement::placed;
    }
  }
  return Placement::full;
}

void SettledEdges::insert(std::uint64_t hash) {
  std::lock_guard guard(insert_mu_);
  Table table = Table::unpack(table_.load(std::memory_order_relaxed));
  if (table.slots == nullptr && !unavailable_) {
    table = make_table(kInitialBits);
    unavailable_ = table.slots == nullptr;
    table_.store(table.pack(), std::memory_order_release);
  }
  if (table.slots == nullptr) return;
  Placement placement = place(table, hash);
  if (placement == Placement::full && grow())  // a crowded neighbourhood: make room
    placement = place(Table::unpack(table_.load(std::memory_order_relaxed)), hash);
  if (placement == Placement::placed &&
      ++used_ > Table::unpack(table_.load(std::memory_order_relaxed)).size() / 2)
    grow();
}

// Copies the entries into a table four times larger and publishes it; readers still in the old
// one find what it had. False when the table cannot grow.
bool SettledEdges::grow() {
  const Table old = Table::unpack(table_.load(std::memory_order_relaxed));
  if (old.bits >= kMaxBits) return false;
  const Table bigger = make_table(old.bits + kGrowthBits);
  if (bigger.slots == nullptr) return false;
  std::size_t moved = 0;
  for (std::size_t i = 0; i < old.size(); ++i)
    if (const std::uint64_t hash = old.slots[i].load(std::memory_order_relaxed); hash != 0)
      moved += place(bigger, hash) == Placement::placed;
  used_ = moved;
  table_.store(bigger.pack(), std::memory_order_release);
  return true;
}

std::size_t SettledEdges::capacity() const {
  const Table table = Table::unpack(table_.load(std::memory_order_acquire));
  return table.slots == nullptr ? 0 : table.size();
}

}  // namespace lockorder::internal
