#include "lockorder/internal/held_stack.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace lockorder::internal {

struct HeldStack::DeepIndex {
  // How many entries at positions >= kShallow hold each lock.
  std::unordered_map<const LockMeta*, std::uint32_t> counts;
  // For the entry at each position p >= kShallow (index p - kShallow): the next head below it,
  // plus one (0: none). Kept apart so that an entry stays one cache line.
  std::vector<std::uint32_t> next_heads;
};

constinit HeldLock HeldStack::kNoEntry{};

HeldStack::HeldStack() { grow(); }

HeldStack::~HeldStack() { delete deep_; }

void HeldStack::grow() {
  // items_[0] is the sentinel below the bottom entry, which is never placed below items_[1].
  const std::size_t size = this->size();
  const std::size_t capacity = static_cast<std::size_t>(end_ - items_.get());
  if (capacity != 0 && first_ != items_.get() + 1 && 2 * (size + 1) <= capacity) {
    // Room freed at the front (releases from the bottom): move down instead of growing.
    std::move(first_, top_, items_.get() + 1);
  } else {
    const std::size_t new_capacity = capacity ? 2 * capacity : 64;
    auto items = std::make_unique<HeldLock[]>(new_capacity);  // items[0].lock: null
    std::move(first_, top_, items.get() + 1);
    items_ = std::move(items);
    end_ = items_.get() + new_capacity;
  }
  first_ = items_.get() + 1;
  top_ = first_ + size;
  shallow_end_ = first_ + kShallow;
}

void HeldStack::note_pushed() {
  const std::size_t k = size() - 1;
  if (k < kShallow) return;
  if (deep_ == nullptr) deep_ = new DeepIndex;
  ++deep_->counts[first_[k].lock];
  if (stale_from_ > k) set_next_head(k);
}

void HeldStack::pop_deep() {
  auto& counts = deep_->counts;
  if (auto it = counts.find(back().lock); it != counts.end() && --it->second == 0) counts.erase(it);
  --top_;
  if (stale_from_ >= size()) stale_from_ = kCurrent;
  if (size() <= kShallow) ensure_chains();
}

void HeldStack::erase(std::size_t i) {
  // Entries above i move down one position: a deep one moving to kShallow - 1 leaves the index.
  const std::size_t size = this->size();
  const std::size_t leaving = i >= kShallow ? i : size > kShallow ? kShallow : kCurrent;
  if (leaving != kCurrent) {
    auto& counts = deep_->counts;
    if (auto it = counts.find(first_[leaving].lock); it != counts.end() && --it->second == 0)
      counts.erase(it);
  }
  // The smaller side moves: a release from the bottom costs as little as one from the top.
  if (i < size - 1 - i) {
    std::move_backward(first_, first_ + i, first_ + i + 1);
    ++first_;
    ++shallow_end_;
    first_[-1].lock = nullptr;  // the sentinel
  } else {
    std::move(first_ + i + 1, top_, first_ + i);
    --top_;
  }
  if (i < this->size()) first_[i].detached = true;
  // Moving up shrinks the room above: keep room for a shallow stack (see push_shallow).
  if (end_ - first_ <= static_cast<std::ptrdiff_t>(kShallow)) grow();
  if (this->size() <= kShallow)
    rederive(std::min(i, stale_from_));
  else
    stale_from_ = std::min(i, stale_from_);
}

HeldLock* HeldStack::find(const LockMeta* lock) {
  const std::size_t size = this->size();
  if (size == 0) return nullptr;
  if (back().lock == lock) return &back();
  if (size > kShallow && deep_->counts.contains(lock)) {
    for (std::size_t k = size; k-- > kShallow;)
      if (first_[k].lock == lock) return &first_[k];
  }
  for (std::size_t k = std::min(size, kShallow); k-- > 0;)
    if (first_[k].lock == lock) return &first_[k];
  return nullptr;
}

std::ptrdiff_t HeldStack::next_head(std::size_t h) const {
  if (h >= kShallow) return static_cast<std::ptrdiff_t>(deep_->next_heads[h - kShallow]) - 1;
  for (std::size_t k = h; k >= 1; --k)
    if (!linked(k)) return static_cast<std::ptrdiff_t>(k) - 1;
  return -1;
}

void HeldStack::set_next_head(std::size_t k) {
  std::vector<std::uint32_t>& heads = deep_->next_heads;
  if (heads.size() <= k - kShallow) heads.resize(k - kShallow + 1);
  heads[k - kShallow] =
      linked(k) ? static_cast<std::uint32_t>(next_head(k - 1) + 1) : static_cast<std::uint32_t>(k);
}

void HeldStack::rederive(std::size_t from) {
  for (std::size_t k = from, size = this->size(); k < size; ++k) {
    HeldLock& h = first_[k];
    h.chain = extend_chain(k > 0 ? first_[k - 1].chain : 0, h.node_key, h.mode, h.tried, false);
    if (k >= kShallow) set_next_head(k);
  }
  stale_from_ = kCurrent;
}

}  // namespace lockorder::internal
