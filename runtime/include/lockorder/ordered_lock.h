// ordered_lock: take several locks at once, in one canonical order, checked.
//
// The classic recipe against deadlock is "give every lock an id and always acquire several locks
// sorted by id". ordered_lock does the sorting for you and checks the rest of the recipe:
//
//   lockorder::ordered_lock guard(account_b.mu, account_a.mu);  // any order of arguments
//
// Contract:
//   - The locks are acquired in canonical order: by rank (lock_attributes::rank), then by
//     creation order. Whatever order the arguments come in, two ordered_locks over the same locks
//     acquire them identically, so they cannot deadlock with each other.
//   - Before locking, the locks are checked against the locks this thread already holds that
//     were taken by an ordered_lock: if one of those sorts after a lock about to be taken, that is
//     a `lock-hierarchy` report (the recipe's "acquired out of id order" error), raised before any
//     lock is taken.
//   - Locks of the same lock class taken together by one ordered_lock are not reported as nested
//     locks of one class.
//   - The destructor releases the locks in reverse order. Passing the same lock twice takes it
//     once. Works with every exclusive lockorder lock type.
#pragma once

#include <algorithm>
#include <array>
#include <tuple>

#include "lockorder/mutex.h"

namespace lockorder {

template <class... Locks>
class ordered_lock {
 public:
  explicit ordered_lock(Locks&... locks) : locks_{entry_for(locks)...} {
    std::sort(locks_.begin(), locks_.end(), [](const Entry& a, const Entry& b) {
      return a.rank != b.rank ? a.rank < b.rank : a.id < b.id;
    });
    count_ = static_cast<unsigned>(
        std::unique(locks_.begin(), locks_.end(),
                    [](const Entry& a, const Entry& b) { return a.meta == b.meta; }) -
        locks_.begin());
    std::array<internal::LockMeta*, sizeof...(Locks)> metas{};
    for (unsigned i = 0; i < count_; ++i) metas[i] = locks_[i].meta;
    internal::before_ordered_lock(metas.data(), count_);
    unsigned taken = 0;
    try {
      for (; taken < count_; ++taken) locks_[taken].lock(locks_[taken].object);
    } catch (...) {
      while (taken > 0) --taken, locks_[taken].unlock(locks_[taken].object);
      throw;
    }
  }
  ~ordered_lock() {
    for (unsigned i = count_; i > 0; --i) locks_[i - 1].unlock(locks_[i - 1].object);
  }
  ordered_lock(const ordered_lock&) = delete;
  ordered_lock& operator=(const ordered_lock&) = delete;

 private:
  struct Entry {
    internal::LockMeta* meta;
    void* object;
    void (*lock)(void*);
    void (*unlock)(void*);
    int rank;
    std::uint64_t id;
  };

  template <class Lock>
  static Entry entry_for(Lock& lock) {
    internal::LockMeta& meta = lock.meta_;
    return Entry{&meta,
                 &lock,
                 [](void* p) { static_cast<Lock*>(p)->lock_with(internal::kOrdered); },
                 [](void* p) { static_cast<Lock*>(p)->unlock(); },
                 meta.rank,
                 internal::ensure_id(meta)};
  }

  std::array<Entry, sizeof...(Locks)> locks_;
  unsigned count_ = 0;
};

}  // namespace lockorder
