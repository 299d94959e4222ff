// Internal: what the C library's own lock object says about who holds it.
//
// The runtime's records of who holds what can go stale when a program does something undefined
// (a lock released by a thread that did not take it, a held lock's memory destroyed or reused).
// Before the runtime ends a program (a double-lock that would hang, a deadlock) or throws away a
// record, it asks the lock itself: glibc keeps a mutex's owner (its kernel thread id) and a
// rwlock's writer and reader count in the pthread object. Where the layout is unknown (another C
// library), the answer is "unknown" and the records are trusted as they are.
//
// The reads are relaxed loads of words that the C library writes; a snapshot may be a moment
// old, which is why callers only ask about locks whose state cannot be changing under them (one
// this thread holds or is about to block on, or one being destroyed).
#pragma once

#include <pthread.h>

#include <cstdint>

namespace lockorder::internal {

// The kind of object behind a lock, as far as the runtime can read it.
enum class NativeLayout : std::uint8_t { unknown, pthread_mutex, pthread_rwlock };

struct NativeHolder {
  bool known = false;   // false: the layout is unknown; the other fields mean nothing
  bool held = false;    // locked in any mode
  bool shared = false;  // held by readers (a rwlock)
  int owner = 0;        // the exclusive holder's thread id, 0 when none or not yet recorded
};

// The holder of the lock object at `object`, read from its words.
inline NativeHolder native_holder(const void* object, NativeLayout layout) noexcept {
  NativeHolder out;
#if defined(__GLIBC__) && defined(__x86_64__)
  if (object == nullptr) return out;
  if (layout == NativeLayout::pthread_mutex) {
    auto* m = static_cast<const pthread_mutex_t*>(object);
    out.known = true;
    out.held = __atomic_load_n(&m->__data.__lock, __ATOMIC_RELAXED) != 0;
    out.owner = __atomic_load_n(&m->__data.__owner, __ATOMIC_RELAXED);
    out.held = out.held || out.owner != 0;
  } else if (layout == NativeLayout::pthread_rwlock) {
    auto* l = static_cast<const pthread_rwlock_t*>(object);
    // glibc's rwlock state word: bit 1 is "write-locked", the reader count starts at bit 3.
    const unsigned readers = __atomic_load_n(&l->__data.__readers, __ATOMIC_RELAXED);
    const bool write_locked = (readers & 2u) != 0;
    out.known = true;
    out.shared = (readers >> 3) != 0;
    out.held = write_locked || out.shared;
    out.owner = write_locked ? __atomic_load_n(&l->__data.__cur_writer, __ATOMIC_RELAXED) : 0;
  }
#else
  (void)object;
  (void)layout;
#endif
  return out;
}

// Whether the C library releases this mutex when a thread that does not own it unlocks it (a
// normal or adaptive mutex; error-checking, recursive and robust ones refuse with EPERM).
inline bool native_foreign_unlock_releases(const void* object, NativeLayout layout) noexcept {
#if defined(__GLIBC__) && defined(__x86_64__)
  if (object == nullptr || layout != NativeLayout::pthread_mutex) return false;
  const int kind = __atomic_load_n(&static_cast<const pthread_mutex_t*>(object)->__data.__kind,
                                   __ATOMIC_RELAXED);
  constexpr int kTypeMask = 3, kRecursive = 1, kErrorCheck = 2;
  constexpr int kOwnerChecking = 16 | 32 | 64;  // robust, priority-inheriting, -protecting
  const int type = kind & kTypeMask;
  return (kind & kOwnerChecking) == 0 && type != kRecursive && type != kErrorCheck;
#else
  (void)object;
  (void)layout;
  return false;
#endif
}

}  // namespace lockorder::internal
