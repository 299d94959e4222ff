// Internal: the locks a thread holds, in the order it took them (HeldStack). Not part of the
// public promise. It is in the public headers only because the lock types' inline fast path
// (fast_path.h) pushes and pops its top entry; everything else about it is the runtime's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "lockorder/internal/lock_kind.h"

namespace lockorder::internal {

struct LockMeta;

// A site stack id (in the runtime's stack store) that stands for "none".
inline constexpr std::uint32_t kNoSiteStack = ~0u;

// One held lock. Where it was taken is known in one of two ways (see derive_outer_stack in the
// runtime): by the inline fast path, as the acquiring function's return address and CFA
// (`caller`, `caller_cfa`), which are exact and cost nothing to read there; or by an out-of-line
// entry point, as a full stack seen at that site (`site_stack`, with `caller` 0).
struct HeldLock {
  LockMeta* lock = nullptr;
  // The lock's node key (lock id or class key), copied: re-deriving the chains above a lock
  // released out of order then reads no lock's memory.
  std::uint64_t node_key = 0;
  std::uint64_t chain = 0;                  // hash of the held chain up to and including this entry
  std::uintptr_t pc = 0;                    // where it was acquired
  std::uintptr_t caller = 0;                // the acquiring function's return address, or 0
  std::uintptr_t caller_cfa = 0;            // the acquiring function's CFA (with `caller`)
  std::uint32_t site_stack = kNoSiteStack;  // a full stack seen at this site (caller 0)
  std::uint32_t group = 0;                  // the ordered_lock call that took it, 0 if none
  std::uint32_t recursion = 1;
  Mode mode = Mode::exclusive;
  bool tried = false;  // taken by a successful try_lock
  // A lock below it was released out of order, so the entry below is not the one it was taken
  // above: no edge is known to lead from the entry below into it.
  bool detached = false;

  // Makes this slot a new entry (recursion 1, not tried, not detached), each field written once:
  // the one way every acquisition path fills a held slot.
  [[gnu::always_inline]] void start(LockMeta* l, std::uint64_t key, std::uint64_t c, Mode m,
                                    std::uintptr_t at, std::uintptr_t by, std::uintptr_t by_cfa,
                                    std::uint32_t site, std::uint32_t g) {
    lock = l;
    node_key = key;
    chain = c;
    pc = at;
    caller = by;
    caller_cfa = by_cfa;
    site_stack = site;
    group = g;
    set_fresh(m);
  }

 private:
  // recursion 1, `m`, neither tried nor detached: the entry's last word in one store.
  [[gnu::always_inline]] void set_fresh(Mode m) {
    const std::uint64_t word = std::uint64_t{1} | std::uint64_t{static_cast<std::uint8_t>(m)} << 32;
    std::memcpy(&recursion, &word, sizeof word);
  }
};
static_assert(offsetof(HeldLock, mode) == offsetof(HeldLock, recursion) + 4 &&
                  offsetof(HeldLock, tried) == offsetof(HeldLock, recursion) + 5 &&
                  offsetof(HeldLock, detached) == offsetof(HeldLock, recursion) + 6 &&
                  sizeof(HeldLock) - offsetof(HeldLock, recursion) == 8,
              "set_fresh writes recursion, mode, tried and detached as one little-endian word");

// Chain hashing: the chain of an entry is a function of the chain below it and the entry itself.
// Node keys are below 2^59 (serial lock ids; class keys, see OrderChecker::class_key), so the
// bottom entry's chain, which is only ever mixed into others, is a shift that loses nothing.
inline constexpr std::uint64_t kNodeKeyLimit = 1ull << 59;
// Set in class keys, clear in lock ids (which never grow that large).
inline constexpr std::uint64_t kClassKeyBit = kNodeKeyLimit >> 1;
constexpr bool is_class_key(std::uint64_t key) { return (key & kClassKeyBit) != 0; }

[[gnu::always_inline]] constexpr std::uint64_t bottom_chain(std::uint64_t key, Mode mode,
                                                            bool tried) {
  return key << 3 | std::uint64_t{tried} << 2 | static_cast<std::uint64_t>(mode) << 1 | 1;
}

// The chain of an entry above one whose chain is `below` (never 0). Two multiplications by odd
// constants: each is a bijection, so distinct (below, key, flags) collide only by chance, and the
// high bits, which a cache indexes by (HashCache), depend on every bit below them.
[[gnu::always_inline]] constexpr std::uint64_t chain_above(std::uint64_t below, std::uint64_t key,
                                                           Mode mode, bool tried = false,
                                                           bool same_group = false) {
  const std::uint64_t x = below ^ (key * 0x9E3779B97F4A7C15ull) ^
                          (static_cast<std::uint64_t>(mode) << 1 | std::uint64_t{tried} << 2 |
                           std::uint64_t{same_group} << 3);
  return x * 0xBF58476D1CE4E5B9ull | 1;  // never 0, the empty cache slot
}

// The chain of an entry above `below` (0: the bottom entry).
constexpr std::uint64_t extend_chain(std::uint64_t below, std::uint64_t key, Mode mode, bool tried,
                                     bool same_group) {
  return below == 0 ? bottom_chain(key, mode, tried)
                    : chain_above(below, key, mode, tried, same_group);
}

// The held-lock stack. A plain growable array rather than std::vector so that a push can write
// its fields straight into place. Grows without limit (a thread may hold any number of locks),
// and always has room for kShallow + 1 entries, so that a push onto a shallow stack (the fast
// path) never checks for room.
//
// The fast path reads it through three pointers, with no arithmetic on the size: `top_` (one past
// the top entry), `first_` (the bottom entry: the stack is empty when they are equal) and
// `shallow_end_` (first_ + kShallow: the top is shallow while top_ is not above it). The slot
// right below first_ is always a sentinel whose lock is null, so that "is the top this lock?"
// is one comparison even on an empty stack.
//
// Its cost does not grow with its depth (a thread may hold 50,000 locks at once):
//   - Edges. Taking a lock above the held ones needs an edge only from the *heads*: the top, and
//     every entry right below one that is not linked to it (a try-locked entry, one detached by
//     an out-of-order release, one taken with it by one ordered_lock). Every other held entry
//     reaches the new lock through the edges between neighbours, which the graph already has
//     (Linux lockdep's "nearest held lock" rule): so a cycle through any held lock is still
//     closed by an edge from a head. next_head walks them in time proportional to their number.
//   - Finding a lock. Entries at positions below kShallow are found by scanning them; deeper
//     ones are also counted in an index by lock. The fast path never goes deeper than kShallow.
//   - Releasing out of order. An erase moves the smaller side of the array (a release from the
//     bottom is as cheap as one from the top), and at depth the chains above it are re-derived
//     only when next needed (ensure_chains). At or below kShallow they are always current: the
//     fast path reads the top's chain.
class HeldStack {
 public:
  static constexpr std::size_t kShallow = 16;

  HeldStack();
  // A stack that only ever sends the fast paths to the runtime (see t_thread_state): it is not
  // empty, its top is not shallow, and it has no entries to read.
  struct NeverFast {};
  explicit constexpr HeldStack(NeverFast) : top_(&kNoEntry + 1) {}
  ~HeldStack();
  HeldStack(const HeldStack&) = delete;
  HeldStack& operator=(const HeldStack&) = delete;

  // The members the lock types' fast path uses are always inline (a call there costs more than
  // they do, and the caller's compiler must not decide otherwise).
  [[gnu::always_inline]] bool empty() const { return top_ == first_; }
  std::size_t size() const { return static_cast<std::size_t>(top_ - first_); }
  [[gnu::always_inline]] HeldLock& back() { return top_[-1]; }
  [[gnu::always_inline]] const HeldLock& back() const { return top_[-1]; }
  HeldLock& operator[](std::size_t i) { return first_[i]; }
  const HeldLock& operator[](std::size_t i) const { return first_[i]; }
  HeldLock* begin() { return first_; }
  HeldLock* end() { return top_; }
  const HeldLock* begin() const { return first_; }
  const HeldLock* end() const { return top_; }

  // Whether a push_shallow may follow: fewer than kShallow entries (never on a NeverFast stack).
  [[gnu::always_inline]] bool below_shallow_end() const {
    return reinterpret_cast<std::uintptr_t>(top_) < reinterpret_cast<std::uintptr_t>(shallow_end_);
  }
  // Whether the top entry, if any, is shallow: at most kShallow entries (never on a NeverFast
  // stack). Then back() may be read even if the stack is empty: it is the null-lock sentinel.
  [[gnu::always_inline]] bool top_is_shallow() const {
    return reinterpret_cast<std::uintptr_t>(top_) <= reinterpret_cast<std::uintptr_t>(shallow_end_);
  }

  // A new top slot, its fields to be written by the caller; then, unless the stack was shallow
  // (the fast path), note_pushed.
  HeldLock& push_slot() {
    if (top_ == end_) [[unlikely]]
      grow();
    return *top_++;
  }
  // push_slot for a stack of fewer than kShallow entries.
  [[gnu::always_inline]] HeldLock& push_shallow() { return *top_++; }
  // Indexes the new top entry if it is deep.
  void note_pushed();
  void pop_back() {
    if (size() > kShallow) [[unlikely]]
      return pop_deep();
    --top_;
  }
  // pop_back for a stack of at most kShallow entries (the fast path).
  [[gnu::always_inline]] void pop_shallow() { --top_; }
  // Removes entry i; the entry that comes to i is detached.
  void erase(std::size_t i);
  // The topmost entry of `lock`, or nullptr.
  HeldLock* find(const LockMeta* lock);
  // Makes every entry's chain (and next head) current. Before reading any chain but the top's
  // on a shallow stack.
  void ensure_chains() {
    if (stale_from_ < size()) [[unlikely]]
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
  std::ptrdiff_t next_head(std::size_t h) const;

 private:
  struct DeepIndex;
  // The NeverFast stack's top: a null-lock entry that nothing writes.
  static HeldLock kNoEntry;

  void grow();
  void pop_deep();
  void rederive(std::size_t from);
  void set_next_head(std::size_t k);

  HeldLock* top_ = nullptr;          // one past the top entry
  HeldLock* first_ = nullptr;        // the bottom entry, inside items_ past its sentinel
  HeldLock* shallow_end_ = nullptr;  // first_ + kShallow
  HeldLock* end_ = nullptr;          // the end of items_
  std::unique_ptr<HeldLock[]> items_;
  // Entries from this position up may have a stale chain and next_head; only ever below size()
  // while the stack is deeper than kShallow.
  std::size_t stale_from_ = kCurrent;
  static constexpr std::size_t kCurrent = ~std::size_t{0};
  // What entries deeper than kShallow need, made on the first one (owned; a plain pointer so
  // that the NeverFast stack is a constant).
  DeepIndex* deep_ = nullptr;
};

}  // namespace lockorder::internal
