// The runtime entry points for callers whose acquisition site is not their own return address:
// the preload library's pthread interposers pass the site of the call into pthread_*, so that
// stacks, site caches and reports point at the program, not at the interposer.
//
// Same contracts as the entry points in lockorder/internal/lock_meta.h.
#pragma once

#include <cstdint>

#include "lockorder/internal/lock_meta.h"

namespace lockorder::internal {

struct Site {
  std::uintptr_t pc;   // return address into the code that called the lock operation
  std::uintptr_t cfa;  // canonical frame address of the function it called (the interposer)
};

bool acquire_at(LockMeta& lock, Mode mode, unsigned flags, const Site& site);
void try_acquired_at(LockMeta& lock, Mode mode, const Site& site) noexcept;
bool release_at(LockMeta& lock, const Site& site) noexcept;
void wait_at(LockMeta& lock, const Site& site);

}  // namespace lockorder::internal
