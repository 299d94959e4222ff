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

HeldStack::HeldStack() { grow(); }

HeldStack::~HeldStack() { delete deep_; }

void HeldStack::grow() {
  const std::size_t capacity = static_cast<std::size_t>(end_ - items_.get());
  if (capacity != 0 && first_ != items_.get() && 2 * size_ <= capacity) {
    // Room freed at the front (releases from the bottom): move down instead of growing.
    std::move(first_, first_ + size_, items_.get());
    first_ = items_.get();
    return;
  }
  const std::size_t new_capacity = capacity ? 2 * capacity : 64;
  auto items = std::make_unique<HeldLock[]>(new_capacity);
  std::move(first_, first_ + size_, items.get());
  items_ = std::move(items);
  first_ = items_.get();
  end_ = first_ + new_capacity;
}

void HeldStack::note_pushed() {
  const std::size_t k = size_ - 1;
  if (k < kShallow) return;
  if (deep_ == nullptr) deep_ = new DeepIndex;
  ++deep_->counts[first_[k].lock];
  if (stale_from_ > k) set_next_head(k);
}

void HeldStack::pop_deep() {
  auto& counts = deep_->counts;
  if (auto it = counts.find(first_[size_ - 1].lock); it != counts.end() && --it->second == 0)
    counts.erase(it);
  --size_;
  if (stale_from_ >= size_) stale_from_ = kCurrent;
  if (size_ <= kShallow) ensure_chains();
}

void HeldStack::erase(std::size_t i) {
  // Entries above i move down one position: a deep one moving to kShallow - 1 leaves the index.
  const std::size_t leaving = i >= kShallow ? i : size_ > kShallow ? kShallow : kCurrent;
  if (leaving != kCurrent) {
    auto& counts = deep_->counts;
    if (auto it = counts.find(first_[leaving].lock); it != counts.end() && --it->second == 0)
      counts.erase(it);
  }
  // The smaller side moves: a release from the bottom costs as little as one from the top.
  if (i < size_ - 1 - i) {
    std::move_backward(first_, first_ + i, first_ + i + 1);
    ++first_;
  } else {
    std::move(first_ + i + 1, first_ + size_, first_ + i);
  }
  --size_;
  if (i < size_) first_[i].detached = true;
  // Moving up shrinks the room above: keep room for a shallow stack (see push_shallow).
  if (end_ - first_ <= static_cast<std::ptrdiff_t>(kShallow)) grow();
  if (size_ <= kShallow)
    rederive(std::min(i, stale_from_));
  else
    stale_from_ = std::min(i, stale_from_);
}

HeldLock* HeldStack::find(const LockMeta* lock) {
  if (size_ == 0) return nullptr;
  if (first_[size_ - 1].lock == lock) return &first_[size_ - 1];
  if (size_ > kShallow && deep_->counts.contains(lock)) {
    for (std::size_t k = size_; k-- > kShallow;)
      if (first_[k].lock == lock) return &first_[k];
  }
  for (std::size_t k = std::min(size_, kShallow); k-- > 0;)
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
  for (std::size_t k = from; k < size_; ++k) {
    HeldLock& h = first_[k];
    h.chain = extend_chain(k > 0 ? first_[k - 1].chain : 0, h.node_key, h.mode, h.tried, false);
    if (k >= kShallow) set_next_head(k);
  }
  stale_from_ = kCurrent;
}

}  // namespace lockorder::internal
