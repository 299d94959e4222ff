#include "order/settled_sources.h"

#include <algorithm>
#include <new>

namespace lockorder::internal {
namespace {

std::size_t words_for(std::uint64_t bits) { return SettledSources::kFirstWord + bits / 64; }
std::uint64_t bits_of(const std::atomic<std::uint64_t>* bitmap) {
  return bitmap[SettledSources::kBitsWord].load(std::memory_order_relaxed);
}

}  // namespace

std::atomic<std::uint64_t>* SettledSources::replace(LockMeta& target,
                                                    std::atomic<std::uint64_t>* old,
                                                    std::uint64_t keys) {
  // Room for the locks made so far and as many again: keys are handed out in order of first use.
  std::uint64_t bits = std::max(keys, next_lock_id()) * 2 + 64;
  bits = std::min(bits / 64 * 64, kMaxBits);
  if (bits < keys) return nullptr;
  const std::size_t size = words_for(bits) * sizeof(std::uint64_t);
  if (bytes_ + size > kBudgetBytes) return nullptr;
  auto* bitmap = new (std::nothrow) std::atomic<std::uint64_t>[words_for(bits)]();
  if (bitmap == nullptr) return nullptr;
  bytes_ += size;
  bitmap[kBitsWord].store(bits, std::memory_order_relaxed);
  if (old != nullptr) {
    for (std::size_t w = kFirstWord; w < words_for(bits_of(old)); ++w)
      bitmap[w].store(old[w].load(std::memory_order_relaxed), std::memory_order_relaxed);
    // Readers may still be in the old one: it is freed with the lock.
    bitmap[kReplacedWord].store(reinterpret_cast<std::uintptr_t>(old), std::memory_order_relaxed);
  }
  target.settled_from.store(bitmap, std::memory_order_release);
  target.settled_bits.store(static_cast<std::uint32_t>(bits), std::memory_order_release);
  return bitmap;
}

bool SettledSources::attach(LockMeta& target) { return replace(target, nullptr, 0) != nullptr; }

bool SettledSources::insert(LockMeta& target, std::uint64_t source) {
  std::atomic<std::uint64_t>* bitmap = target.settled_from.load(std::memory_order_relaxed);
  if (bitmap == nullptr) return false;
  if (source >= bits_of(bitmap) && (bitmap = replace(target, bitmap, source + 1)) == nullptr)
    return false;
  bitmap[kFirstWord + source / 64].fetch_or(std::uint64_t{1} << (source % 64),
                                            std::memory_order_relaxed);
  return true;
}

void SettledSources::detach(LockMeta& target) {
  target.settled_bits.store(0, std::memory_order_relaxed);
  std::atomic<std::uint64_t>* bitmap = target.settled_from.exchange(nullptr);
  while (bitmap != nullptr) {
    auto* replaced = reinterpret_cast<std::atomic<std::uint64_t>*>(
        bitmap[kReplacedWord].load(std::memory_order_relaxed));
    bytes_ -= words_for(bits_of(bitmap)) * sizeof(std::uint64_t);
    delete[] bitmap;
    bitmap = replaced;
  }
}

}  // namespace lockorder::internal
