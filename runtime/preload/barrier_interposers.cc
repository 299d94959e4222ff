// POSIX barriers, interposed: pthread_barrier_wait by a thread that holds locks is a wait in the
// wait-for graph (docs/runtime.md, "Waits beyond locks"); by any thread, it marks the thread as
// one that cannot arrive while it waits. pthread_barrier_init and pthread_barrier_destroy forget
// what was kept at that address.
//
// A barrier wait cannot be timed, so unlike a semaphore wait it does not search again while it
// waits: the cycle is found when the wait begins, or by the thread that blocks last in it (every
// contended acquisition is published while such a wait is in progress). The interposer counts
// the arrivals of each phase (the count comes from pthread_barrier_init), so that a waiter whose
// phase has completed, and has yet to wake, is not taken for blocked; a barrier whose init was
// not seen has no phases, and its waits are not published.
#include <dlfcn.h>
#include <pthread.h>

#include <cstdio>
#include <string>

#include "checked_lock.h"
#include "kept_by_address.h"
#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"
#include "preload_init.h"

namespace lockorder::preload {
namespace {

struct Barrier {
  explicit Barrier(const pthread_barrier_t* b)
      : label(address_label("barrier", b)),
        meta(label.c_str(), internal::ArrivalMeta::Kind::barrier, {}) {}
  // The phase the calling thread arrives in; the last arrival ends it.
  std::uint64_t arrive() {
    std::lock_guard guard(mu);
    const std::uint64_t phase = meta.current_phase();
    if (++arrived == count) {
      arrived = 0;
      meta.next_phase();
    }
    return phase;
  }
  std::string label;
  internal::ArrivalMeta meta;
  std::mutex mu;       // taken inside the runtime: its own pthread calls pass unchecked
  unsigned count = 0;  // 0: its init was not seen
  unsigned arrived = 0;
};

KeptByAddress<pthread_barrier_t, Barrier>& barriers() {
  static auto* all = new KeptByAddress<pthread_barrier_t, Barrier>;  // never destroyed
  return *all;
}

void forget_barrier(const pthread_barrier_t* b) {
  if (from_runtime()) return;
  InsideRuntime inside;
  barriers().forget(b);
}

}  // namespace
}  // namespace lockorder::preload

using lockorder::preload::InsideRuntime;

extern "C" LOCKORDER_EXPORT int pthread_barrier_init(pthread_barrier_t* b,
                                                     const pthread_barrierattr_t* attr,
                                                     unsigned count) {
  using init_fn = int (*)(pthread_barrier_t*, const pthread_barrierattr_t*, unsigned);
  static const auto next = reinterpret_cast<init_fn>(dlsym(RTLD_NEXT, "pthread_barrier_init"));
  lockorder::preload::forget_barrier(b);
  const int rc = next(b, attr, count);
  if (rc == 0 && !lockorder::preload::from_runtime()) {
    InsideRuntime inside;
    try {
      lockorder::preload::barriers().at(b).count = count;
    } catch (...) {
      // out of memory: its waits are not published
    }
  }
  return rc;
}

extern "C" LOCKORDER_EXPORT int pthread_barrier_destroy(pthread_barrier_t* b) {
  using destroy_fn = int (*)(pthread_barrier_t*);
  static const auto next =
      reinterpret_cast<destroy_fn>(dlsym(RTLD_NEXT, "pthread_barrier_destroy"));
  lockorder::preload::forget_barrier(b);
  return next(b);
}

extern "C" LOCKORDER_EXPORT int pthread_barrier_wait(pthread_barrier_t* b) {
  using wait_fn = int (*)(pthread_barrier_t*);
  static const auto next = reinterpret_cast<wait_fn>(dlsym(RTLD_NEXT, "pthread_barrier_wait"));
  if (lockorder::preload::from_runtime()) return next(b);
  lockorder::preload::ensure_initialized();
  lockorder::internal::ArrivalMeta* meta = nullptr;
  {
    InsideRuntime inside;
    try {
      lockorder::preload::Barrier& barrier = lockorder::preload::barriers().at(b);
      if (barrier.count != 0) {
        meta = &barrier.meta;
        meta->begin_wait(barrier.arrive());
      }
    } catch (...) {
      meta = nullptr;  // out of memory: the wait goes on, unseen
    }
    if (meta != nullptr) {
      try {
        lockorder::internal::begin_arrival_wait(*meta);
      } catch (...) {
        // on_report=throw cannot cross a C interface: the report was printed, the wait goes on.
      }
    }
  }
  const int rc = next(b);
  InsideRuntime inside;
  lockorder::internal::end_wait_beyond_locks();
  if (meta != nullptr) meta->end_wait();
  return rc;
}
