// lock_attributes: how a lock introduces itself in reports and which order it promises.
//
// Every lockorder lock may be given:
//   - a name, printed in reports instead of the lock's creation site;
//   - a lock class: all locks of one class share one node of the lock-order graph, so they must
//     obey one order among the other classes (like lockdep's classes). Two locks of the same
//     class nested inside each other are reported, unless taken together by ordered_lock.
//     Without a class, every lock is its own node;
//   - a rank: ranked locks must be acquired in strictly increasing rank. Acquiring a lock whose
//     rank is lower than or equal to a held ranked lock's rank is a `lock-hierarchy` report on the
//     first occurrence, without waiting to see the reverse order. Rank 0 means "unranked".
//
// The strings are not copied by the lock: pass string literals or strings that outlive it.
#pragma once

namespace lockorder {

struct lock_attributes {
  const char* name = nullptr;
  const char* lock_class = nullptr;
  int rank = 0;
};

}  // namespace lockorder
