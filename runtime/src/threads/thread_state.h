// ThreadState: what one thread knows, touched only by that thread on the locking path: its
// held-lock stack (each entry carrying a hash of the chain of locks held up to it, with their
// modes), its part of the known orders (order/known_orders.h), and its cache of acquisition
// sites' stacks.
#pragma once

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockorder/internal/lock_meta.h"
#include "order/thread_orders.h"
#include "process/adaptive_mutex.h"
#include "process/internal_locks.h"

namespace lockorder::internal {

struct HeldLock {
  LockMeta* lock = nullptr;
  // The lock's node key (lock id or class key), copied: re-deriving the chains above a lock
  // released out of order then reads no lock's memory.
  std::uint64_t node_key = 0;
  std::uint64_t chain = 0;       // hash of the held chain up to and including this entry
  std::uintptr_t pc = 0;         // where it was acquired (return address into the caller)
  std::uint32_t site_stack = 0;  // a full stack seen at this acquisition site (StackDepot id)
  std::uint32_t group = 0;       // the ordered_lock call that took it, 0 if none
  std::uint32_t recursion = 1;
  Mode mode = Mode::exclusive;
  bool tried = false;  // taken by a successful try_lock
  // A lock below it was released out of order, so the entry below is not the one it was taken
  // above: no edge is known to lead from the entry below into it.
  bool detached = false;
};

inline std::uint64_t extend_chain(std::uint64_t below, std::uint64_t key, Mode mode, bool tried,
                                  bool same_group);

// The held-lock stack. A plain growable array rather than std::vector so that a push can write
// its fields straight into place: no temporary, no copy, no store-forwarding stall on the hot
// path. Grows without limit (a thread may hold any number of locks).
//
// Its cost does not grow with its depth (a thread may hold 50,000 locks at once):
//   - Edges. Taking a lock above the held ones needs an edge only from the *heads*: the top, and
//     every entry right below one that is not linked to it (a try-locked entry, one detached by
//     an out-of-order release, one taken with it by one ordered_lock). Every other held entry
//     reaches the new lock through the edges between neighbours, which the graph already has
//     (Linux lockdep's "nearest held lock" rule): so a cycle through any held lock is still
//     closed by an edge from a head. next_head walks them in time proportional to their number
//     (for_each_edge_source in order_checker.h says which entries get edges).
//   - Finding a lock. Entries at positions below kShallow are found by scanning them; deeper
//     ones are also counted in an index by lock. The fast path never goes deeper than kShallow.
//   - Releasing out of order. An erase moves the smaller side of the array (a release from the
//     bottom is as cheap as one from the top), and at depth the chains above it are re-derived
//     only when next needed (ensure_chains). At or below kShallow they are always current: the
//     fast path reads the top's chain.
class HeldStack {
 public:
  static constexpr std::size_t kShallow = 16;

  HeldStack() { grow(); }
  HeldStack(const HeldStack&) = delete;
  HeldStack& operator=(const HeldStack&) = delete;

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  bool full() const { return first_ + size_ == end_; }
  HeldLock& back() { return first_[size_ - 1]; }
  const HeldLock& back() const { return first_[size_ - 1]; }
  HeldLock& operator[](std::size_t i) { return first_[i]; }
  const HeldLock& operator[](std::size_t i) const { return first_[i]; }
  HeldLock* begin() { return first_; }
  HeldLock* end() { return first_ + size_; }
  const HeldLock* begin() const { return first_; }
  const HeldLock* end() const { return first_ + size_; }

  // A new top slot, its fields to be written by the caller; then, unless the stack was shallow
  // (the fast path), note_pushed.
  HeldLock& push_slot() {
    if (full()) [[unlikely]]
      grow();
    return first_[size_++];
  }
  // push_slot for a stack that is not full.
  HeldLock& push_slot_with_room() { return first_[size_++]; }
  // Indexes the new top entry if it is deep.
  void note_pushed();
  void pop_back() {
    if (size_ > kShallow) [[unlikely]]
      return pop_deep();
    --size_;
  }
  // pop_back for a stack of at most kShallow entries (the fast path).
  void pop_shallow() { --size_; }
  // Removes entry i; the entry that comes to i is detached.
  void erase(std::size_t i);
  // The topmost entry of `lock`, or nullptr.
  HeldLock* find(const LockMeta* lock);
  // Makes every entry's chain (and next head) current. Before reading any chain but the top's
  // on a shallow stack.
  void ensure_chains() {
    if (stale_from_ < size_) [[unlikely]]
      rederive(stale_from_);
  }

  // Whether entry k is linked to the entry below it: the graph has the edge between them.
  bool linked(std::size_t k) const {
    if (k == 0) return false;
    const HeldLock& h = first_[k];
    const HeldLock& below = first_[k - 1];
    return !h.tried && !h.detached &&
           !(h.group != 0 && h.group == below.group && h.node_key == below.node_key);
  }
  // The next head below head h (see above), or -1.
  std::ptrdiff_t next_head(std::size_t h) const {
    if (h >= kShallow) return static_cast<std::ptrdiff_t>(next_heads_[h - kShallow]) - 1;
    for (std::size_t k = h; k >= 1; --k)
      if (!linked(k)) return static_cast<std::ptrdiff_t>(k) - 1;
    return -1;
  }

 private:
  void grow();
  void pop_deep();
  void rederive(std::size_t from);
  void set_next_head(std::size_t k) {
    if (next_heads_.size() <= k - kShallow) next_heads_.resize(k - kShallow + 1);
    next_heads_[k - kShallow] = linked(k) ? static_cast<std::uint32_t>(next_head(k - 1) + 1)
                                          : static_cast<std::uint32_t>(k);
  }

  std::unique_ptr<HeldLock[]> items_;
  HeldLock* first_ = nullptr;  // the bottom entry, inside items_
  HeldLock* end_ = nullptr;    // the end of items_
  std::size_t size_ = 0;
  // Entries from this position up may have a stale chain and next_head; only ever below size_
  // while the stack is deeper than kShallow.
  std::size_t stale_from_ = kCurrent;
  static constexpr std::size_t kCurrent = ~std::size_t{0};
  // How many entries at positions >= kShallow hold each lock.
  std::unordered_map<const LockMeta*, std::uint32_t> deep_;
  // For the entry at each position p >= kShallow (index p - kShallow): the next head below it,
  // plus one (0: none). Kept apart so that an entry stays 48 bytes, a cheap stride on the fast
  // path.
  std::vector<std::uint32_t> next_heads_;
};

// A held lock this thread must stop counting as held, posted by another thread: the lock was
// released by a thread that did not take it (and the C library let that release through), or
// destroyed. Matched by the lock's address and node key, so a new lock at the same address is
// left alone.
struct DroppedHold {
  const LockMeta* lock = nullptr;
  std::uint64_t key = 0;
};

class ThreadState {
 public:
  explicit ThreadState(std::uint32_t ordinal) : ordinal_(ordinal) { refresh_tid(); }

  // A full stack this thread captured the first time it acquired a lock at `pc` with the stack
  // pointer at `cfa`, called from the same place one frame further out, or kNoStack. It stands
  // in for the stack of a later acquisition there when the frame that made that acquisition has
  // returned by the time an edge needs it (a lock taken inside std::lock_guard's constructor
  // when the compiler did not inline it, or inside a user's helper).
  //
  // "Called from the same place" is checked without unwinding: for a given pc, the function
  // making the call keeps its return address at a fixed distance above `cfa`, learnt from the
  // first capture; comparing that one stack word tells the callers apart.
  static constexpr std::uint32_t kNoStack = ~0u;
  [[gnu::no_sanitize_address]] std::uint32_t site_stack(std::uintptr_t pc,
                                                        std::uintptr_t cfa) const {
    // A small set per (pc, cfa): one out-of-line helper (say std::lock_guard's constructor at
    // -O0) is called from several places at the same depth.
    const SiteSlot* set = &sites_[site_set(pc, cfa)];
    for (std::size_t way = 0; way < kSiteWays; ++way)
      if (matches(set[way], pc, cfa)) return set[way].stack;
    return kNoStack;
  }
  void remember_site(std::uintptr_t pc, std::uintptr_t cfa, std::uint32_t stack,
                     std::uint32_t caller_offset, std::uintptr_t caller_return) {
    SiteSlot* set = &sites_[site_set(pc, cfa)];
    for (std::size_t way = kSiteWays - 1; way > 0; --way) set[way] = set[way - 1];  // newest first
    set[0] = SiteSlot{pc, cfa, caller_return, stack, caller_offset};
  }

  // The highest address of this thread's stack (from pthread_getattr_np, read once).
  std::uintptr_t stack_top();
  // The site stacks for (pc, cfa) whatever the caller (kNoStack where none), for a check with
  // stack_is_current.
  std::array<std::uint32_t, 4> site_stacks_any_caller(std::uintptr_t pc, std::uintptr_t cfa) const {
    std::array<std::uint32_t, 4> found;
    const SiteSlot* set = &sites_[site_set(pc, cfa)];
    for (std::size_t way = 0; way < kSiteWays; ++way)
      found[way] = set[way].pc == pc && set[way].cfa == cfa ? set[way].stack : kNoStack;
    return found;
  }

  std::uint32_t ordinal() const { return ordinal_; }
  // "T3 'worker'": the ordinal and the name given with set_thread_name, or else the thread's
  // system name (pthread_setname_np) as it was when the label was first needed.
  const std::string& label();
  void set_name(std::string name) {
    name_ = std::move(name);
    label_.clear();
  }

  // The kernel's id of the thread (gettid); refreshed in a fork child.
  int tid() const { return tid_; }
  void refresh_tid();

  HeldStack held;
  ThreadOrders orders;  // what this thread knows of the lock order (order/known_orders.h)
  // Set (after a post to dropped_holds_) when another thread asks this one to drop held entries.
  std::atomic<bool> has_dropped_holds{false};
  // Set by the deadlock resolver (under the wait-for graph's lock) while this thread is blocked.
  std::atomic<bool> chosen_victim{false};
  std::uint32_t ordered_groups = 0;  // ordered_lock calls so far; the newest is the current group
  bool wait_published = false;       // in the WaitForGraph, blocked on its newest held entry

 private:
  static constexpr std::size_t kSiteCacheSize = 256;
  static constexpr std::size_t kSiteWays = 4;
  struct SiteSlot {
    std::uintptr_t pc = 0;
    std::uintptr_t cfa = 0;
    std::uintptr_t caller_return = 0;
    std::uint32_t stack = kNoStack;
    std::uint32_t caller_offset = 0;  // 0: unknown, the caller is not checked
  };
  [[gnu::no_sanitize_address]] static bool matches(const SiteSlot& s, std::uintptr_t pc,
                                                   std::uintptr_t cfa) {
    return s.pc == pc && s.cfa == cfa &&
           (s.caller_offset == 0 ||
            *reinterpret_cast<const std::uintptr_t*>(cfa + s.caller_offset) == s.caller_return);
  }
  static std::size_t site_set(std::uintptr_t pc, std::uintptr_t cfa) {
    return ((pc ^ (cfa << 7)) * 0x9E3779B97F4A7C15ull >> 56) % (kSiteCacheSize / kSiteWays) *
           kSiteWays;
  }

  std::array<SiteSlot, kSiteCacheSize> sites_{};
  std::uint32_t ordinal_;
  int tid_ = 0;
  std::string name_;
  std::string label_;  // cached: reading the system name costs a system call
  std::uintptr_t stack_top_ = 0;

  friend class ThreadRegistry;
  std::vector<DroppedHold> dropped_holds_;  // guarded by the registry's mutex
};

// Every live thread's state, so that one thread can tell another that a lock it counts as held
// is not held any more. Its mutex is a leaf among the runtime's internal locks: nothing else is
// taken while it is held.
class ThreadRegistry {
 public:
  void add(ThreadState& thread);
  void remove(ThreadState& thread);
  // Posts `dropped` to the thread with kernel id `tid`; false when no such thread is known.
  bool post(int tid, const DroppedHold& dropped);
  // Posts `dropped` to every thread but `except`.
  void post_to_all(const DroppedHold& dropped, const ThreadState* except);
  // What was posted to `thread` since the last call (called by that thread only).
  std::vector<DroppedHold> take(ThreadState& thread);
  // The ordinal of the thread with kernel id `tid`, or 0.
  std::uint32_t ordinal_of(int tid);
  // fork(): held across it; in the child only `survivor` (the forking thread's state, if it has
  // one) remains.
  void lock_for_fork();
  void unlock_after_fork(bool in_child, ThreadState* survivor);

 private:
  OrderedMutex<AdaptiveMutex, InternalLock::thread_registry> mu_;
  std::vector<ThreadState*> threads_;
};

ThreadRegistry& thread_registry();

// Initial-exec TLS: one instruction to reach the state, even from a position-independent build.
// constinit: no dynamic initialization, so no TLS wrapper call on each access.
extern
    __attribute__((tls_model("initial-exec"))) constinit thread_local ThreadState* t_thread_state;
ThreadState* create_thread_state() noexcept;

// Threads are numbered (T1, T2, ...) when their state is created, on their first lock, unless
// the number was reserved when the thread was created: the preload library reserves one in its
// pthread_create, so that under lockorder-run numbers follow creation order, as ThreadSanitizer's
// do. adopt_thread_ordinal runs on the new thread, before its first lock.
std::uint32_t reserve_thread_ordinal() noexcept;
void adopt_thread_ordinal(std::uint32_t ordinal) noexcept;

// The calling thread's state, created on first use; nullptr while the thread is being torn down
// (its locks are then no longer checked).
inline ThreadState* current_thread_state() noexcept {
  ThreadState* state = t_thread_state;
  if (__builtin_expect(state == nullptr, 0)) state = create_thread_state();
  return state;
}

// Chain hashing: the chain of an entry is a function of the chain below it and the entry itself.
inline std::uint64_t extend_chain(std::uint64_t below, std::uint64_t key, Mode mode, bool tried,
                                  bool same_group) {
  // The bottom entry's chain is only ever mixed into others: keep it cheap (and never 0) for the
  // keys that shift without loss (lock ids; a class key has its top bit set).
  if (below == 0 && key >> 60 == 0)
    return key << 3 | std::uint64_t{tried} << 2 | static_cast<std::uint64_t>(mode) << 1 | 1;
  std::uint64_t x = below ^ (key * 0x9E3779B97F4A7C15ull) ^
                    (static_cast<std::uint64_t>(mode) << 1 | tried << 2 | same_group << 3);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return x | 1;  // never 0, the empty cache slot
}

inline std::uint64_t edge_key(std::uint64_t from, std::uint64_t to, Mode held, Mode acquired) {
  return extend_chain(from * 0xD6E8FEB86659FD93ull, to, acquired, held == Mode::shared, false);
}

// An edge taken with given locks below its outer lock (`below`: the chain of the held entry under
// the outer one). Recording the edge again with the same locks below cannot change it: its gates
// are the locks below, and intersecting with the same set again leaves them as they are.
inline std::uint64_t edge_below_key(std::uint64_t edge, std::uint64_t below) {
  return extend_chain(edge, below, Mode::exclusive, true, true);
}

}  // namespace lockorder::internal
