// What a thread of this process is blocked on, asked of the kernel: a pthread lock that a thread
// finds taken blocks in a futex wait on a word of the lock object, and /proc/self/task/TID/syscall
// shows the system call a thread is blocked in with its arguments. The wait-for graph uses it for
// a joined thread that holds no lock: such a thread does not publish its waits (fast_path.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lockorder/internal/lock_meta.h"

namespace lockorder::internal {

// The address thread `tid` (of this process) waits on in a futex wait with no timeout right now;
// 0 when it is running, blocked in another call or with a timeout, gone, or the kernel does not
// say.
std::uintptr_t futex_waited_on(int tid) noexcept;

// The kernel ids of this process's threads now (empty if the kernel does not say).
std::vector<int> process_threads();

// Whether `address` is a word of `lock`'s native object (its pthread mutex or rwlock).
bool is_word_of(const LockMeta& lock, std::uintptr_t address) noexcept;

}  // namespace lockorder::internal
