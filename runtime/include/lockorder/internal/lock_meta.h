// Internal: the bookkeeping every instrumented lock carries, and the entry points that the lock
// types call. Not part of the public promise; use the types in <lockorder/mutex.h>.
#pragma once

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <source_location>
#include <type_traits>

#include "lockorder/internal/native_lock.h"
#include "lockorder/lock_attributes.h"

namespace lockorder::internal {

enum class LockKind : std::uint8_t {
  mutex,
  timed_mutex,
  recursive_mutex,
  recursive_timed_mutex,
  shared_mutex,
  shared_timed_mutex,
};

constexpr bool is_recursive(LockKind kind) {
  return kind == LockKind::recursive_mutex || kind == LockKind::recursive_timed_mutex;
}
const char* kind_name(LockKind kind);

enum class Mode : std::uint8_t { exclusive = 0, shared = 1 };

// How an acquisition happens; each flag changes which checks apply.
enum AcquireFlags : unsigned {
  kBlocking = 0,
  kTimed = 1u << 0,        // may time out: a self re-acquisition is reported but not fatal
  kOrdered = 1u << 1,      // taken by ordered_lock: later ordered_lock calls check against it
  kFailsOnSelf = 1u << 2,  // an error-checking lock: a self re-acquisition fails, it cannot hang
};

std::uint64_t next_lock_id() noexcept;

struct LockMeta {
  constexpr LockMeta(const lock_attributes& attrs, LockKind k, const std::source_location& loc,
                     const void* native_object = nullptr,
                     NativeLayout layout = NativeLayout::unknown)
      : name(attrs.name),
        lock_class(attrs.lock_class),
        rank(attrs.rank),
        kind(k),
        native_layout(layout),
        site(loc),
        native(native_object) {
    // Constant-initialized (global) locks get their id on first use; others get it now, so that
    // ids follow creation order, which ordered_lock uses as the canonical order.
    if (!std::is_constant_evaluated()) id.store(next_lock_id(), std::memory_order_relaxed);
  }
  LockMeta(const LockMeta&) = delete;
  LockMeta& operator=(const LockMeta&) = delete;

  // A serial number, never reused: a new lock at an old address is a new lock.
  std::atomic<std::uint64_t> id{0};
  // The lock's node key in the lock-order graph: its id, or its class's key. Set on first use.
  std::atomic<std::uint64_t> node_key{0};
  // The lock's own node in the lock-order graph plus one (0: none, or the node is its class's),
  // written under the graph's lock; destruction removes a lock that has one.
  std::atomic<std::uint32_t> graph_node{0};
  // Where a lock with no creation site of its own (the preload library's shadows) was
  // initialized: a short stack in the runtime's stack store, or kNoCreationStack.
  std::uint32_t created_stack = kNoCreationStack;
  static constexpr std::uint32_t kNoCreationStack = ~0u;
  // How many source keys settled_from's bitmap covers (0: none). Stored after the bitmap it
  // describes, so that a reader that loads it first finds a bitmap at least that large, and
  // needs no read of the bitmap's own header.
  std::atomic<std::uint32_t> settled_bits{0};
  // For a lock many others are held around: which of them have a settled edge into it (see
  // SettledSources), or nullptr.
  std::atomic<std::atomic<std::uint64_t>*> settled_from{nullptr};
  const char* name;
  const char* lock_class;
  int rank;
  LockKind kind;
  NativeLayout native_layout;  // how to read `native`
  // A read-write lock that makes new readers queue behind a waiting writer (a deadlock check
  // needs to know: a reader blocked on a lock that only readers hold waits for that writer).
  bool prefers_writers = false;
  std::source_location site;
  // The C library's lock object behind this lock, read to check the runtime's records against
  // the lock's real state (see native_lock.h); nullptr when there is none to read.
  const void* native;
};

inline NativeHolder native_holder(const LockMeta& lock) noexcept {
  return native_holder(lock.native, lock.native_layout);
}

// Runtime entry points. They never block; the native lock operation happens in the caller.
//
// before_lock: runs every check for a blocking acquisition (double-lock, rank, lock order) and
// records the lock as held by this thread, all before the caller blocks. May throw
// lockorder::lock_order_error when the configured action is `throw`; then nothing is recorded.
// Returns true when the thread holds other locks and the acquisition may block for good: then
// the caller should acquire through lock_contended, so that a wait which closes a cycle of
// blocked threads is reported as a deadlock instead of hanging.
bool before_lock(LockMeta& lock, Mode mode, unsigned flags);
// before_lock for a plain blocking acquisition (flags == kBlocking): the hot path.
bool before_blocking_lock(LockMeta& lock, Mode mode);
// Brackets a native acquisition that found the lock taken while this thread holds others:
// publishes what the thread waits for and what it holds, and reports a deadlock if the lock's
// holders wait, directly or through other blocked threads, for a lock this thread holds; then
// applies on_deadlock. The caller blocks in the native lock between the two calls.
void begin_blocked_wait(LockMeta& lock, Mode mode);
void end_blocked_wait() noexcept;

class blocked_wait {
 public:
  blocked_wait(LockMeta& lock, Mode mode) { begin_blocked_wait(lock, mode); }
  ~blocked_wait() { end_blocked_wait(); }
  blocked_wait(const blocked_wait&) = delete;
  blocked_wait& operator=(const blocked_wait&) = delete;
};

// True while a deadlock resolver is installed: a published wait then polls, so that a thread
// chosen as a deadlock's victim can give up (see lockorder/wait_for.h).
bool blocked_wait_interruptible() noexcept;
// Throws lockorder::deadlock_victim when this thread was chosen to break a deadlock.
void throw_if_deadlock_victim();
inline constexpr int kVictimPollMs = 2;

// One bounded native acquisition: the pthread lock behind a standard one, with a timeout of
// kVictimPollMs (timed waits, not clock waits: every thread checker intercepts them).
template <class Native>
bool lock_native_briefly(Native& native, Mode mode) {
  constexpr auto poll = std::chrono::milliseconds(kVictimPollMs);
  if constexpr (requires { native.try_lock_for(poll); }) {
    if constexpr (requires { native.try_lock_shared_for(poll); })
      if (mode == Mode::shared) return native.try_lock_shared_for(poll);
    return native.try_lock_for(poll);
  } else {
    const auto until_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
        (std::chrono::system_clock::now() + poll).time_since_epoch());
    const timespec until{static_cast<time_t>(until_ns.count() / 1'000'000'000),
                         static_cast<long>(until_ns.count() % 1'000'000'000)};
    if constexpr (requires { native.try_lock_shared(); }) {
      // libstdc++'s std::shared_mutex is a pthread_rwlock_t behind a void* handle.
      auto* handle = static_cast<pthread_rwlock_t*>(native.native_handle());
      return (mode == Mode::shared ? pthread_rwlock_timedrdlock(handle, &until)
                                   : pthread_rwlock_timedwrlock(handle, &until)) == 0;
    } else {
      return pthread_mutex_timedlock(native.native_handle(), &until) == 0;
    }
  }
}

template <class Native>
bool try_lock_native(Native& native, Mode mode) {
  if constexpr (requires { native.try_lock_shared(); })
    if (mode == Mode::shared) return native.try_lock_shared();
  return native.try_lock();
}

template <class Native>
void lock_native(Native& native, Mode mode) {
  if constexpr (requires { native.lock_shared(); })
    if (mode == Mode::shared) return native.lock_shared();
  native.lock();
}

// Acquires `native` (a standard lock) after before_lock returned true: a try first, and only
// when that fails a published, deadlock-checked wait.
template <class Native>
void lock_contended(Native& native, LockMeta& meta, Mode mode) {
  if (try_lock_native(native, mode)) return;
  blocked_wait waiting(meta, mode);
  if (!blocked_wait_interruptible()) return lock_native(native, mode);
  while (!lock_native_briefly(native, mode)) throw_if_deadlock_victim();
}
// Undo before_lock when the native lock failed (a timed acquisition that timed out, an
// exception from the native lock).
void lock_failed(LockMeta& lock, Mode mode) noexcept;
// A successful try_lock: held from now on, but no edge leads into it.
void after_try_lock(LockMeta& lock, Mode mode) noexcept;
// Returns whether the caller should release the native lock: true when this thread holds it;
// for a lock it does not hold (reported as unlock-of-unheld-lock), true only when the C library
// would let that release through (a normal mutex another thread holds), whose holder then no
// longer counts it as held.
bool before_unlock(LockMeta& lock, Mode mode) noexcept;
// A condition-variable wait on `lock`: releases it and checks its re-acquisition against the
// locks still held, before the caller blocks in the wait. Returns whether the thread holds other
// locks across the wait: then the caller brackets the wait with condition_wait.
bool before_wait(LockMeta& lock);
// Brackets a condition-variable wait on `lock` by a thread that holds other locks across it. The
// wait can only return by taking `lock` back, signalled or not, so the thread waits for whoever
// holds `lock` exactly as a blocked acquisition of it would: it is published in the wait-for
// graph, and a cycle through it is reported as a deadlock (it cannot be a resolver's victim: its
// wait is the native one). The caller waits between the two calls.
void begin_condition_wait(LockMeta& lock);

class condition_wait {
 public:
  condition_wait(LockMeta& lock, bool holds_others) : published_(holds_others) {
    if (published_) begin_condition_wait(lock);
  }
  ~condition_wait() {
    if (published_) end_blocked_wait();
  }
  condition_wait(const condition_wait&) = delete;
  condition_wait& operator=(const condition_wait&) = delete;

 private:
  bool published_;
};
// The lock is going away: its node leaves the lock-order graph.
void on_destroy(LockMeta& lock) noexcept;
// The lock is going away while still held (undefined behaviour in the program): a
// `destroy-of-held-lock` report, then every thread's record of holding it is dropped (a record
// must never outlive the lock it points to), then on_destroy.
void on_destroy_held(LockMeta& lock) noexcept;

// Inlined, so that the stack of a report starts at the code that destroyed the lock.
[[gnu::always_inline]] inline void destroy(LockMeta& lock) noexcept {
  if (native_holder(lock).held) [[unlikely]]
    on_destroy_held(lock);
  else if (lock.graph_node.load(std::memory_order_acquire) != 0)
    on_destroy(lock);
}

// The lock's serial id, assigning one first if the lock was constant-initialized.
std::uint64_t ensure_id(LockMeta& lock) noexcept;
// ordered_lock's check against the ordered locks this thread already holds (before locking).
void before_ordered_lock(LockMeta* const* sorted, unsigned count);

}  // namespace lockorder::internal
