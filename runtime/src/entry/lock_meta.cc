#include "lockorder/internal/lock_meta.h"

namespace lockorder::internal {
namespace {

constinit std::atomic<std::uint64_t> g_next_lock_id{1};

}  // namespace

std::uint64_t next_lock_id() noexcept {
  return g_next_lock_id.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t ensure_id(LockMeta& lock) noexcept {
  std::uint64_t id = lock.id.load(std::memory_order_relaxed);
  if (id != 0) return id;
  std::uint64_t fresh = next_lock_id();
  return lock.id.compare_exchange_strong(id, fresh, std::memory_order_relaxed) ? fresh : id;
}

}  // namespace lockorder::internal
