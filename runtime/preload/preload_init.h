// The preload library's one-time start-up, on whichever comes first: its constructor, or the
// first lock operation (another library's constructor may lock before ours runs).
#pragma once

#include <atomic>

namespace lockorder::preload {

void initialize_once();
extern std::atomic<bool> g_initialized;

inline void ensure_initialized() {
  if (!g_initialized.load(std::memory_order_acquire)) [[unlikely]]
    initialize_once();
}

}  // namespace lockorder::preload
