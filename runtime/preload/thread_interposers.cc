// pthread_create and pthread_join, interposed. pthread_create: each thread's number (T1, T2, ... in
// reports) is reserved when it is created, so that numbers follow creation order (the main thread
// is T1), not the order in which threads first take a lock.
#include <dlfcn.h>
#include <pthread.h>

#include <time.h>

#include <cerrno>
#include <cstdint>
#include <new>

#include "checked_lock.h"
#include "preload_init.h"
#include "threads/thread_state.h"

namespace {

using lockorder::internal::InsideRuntime;

struct Start {
  void* (*routine)(void*);
  void* arg;
  std::uint32_t ordinal;
};

void* start_numbered(void* raw) {
  const Start start = *static_cast<Start*>(raw);
  delete static_cast<Start*>(raw);
  lockorder::internal::adopt_thread_ordinal(start.ordinal);
  return start.routine(start.arg);
}

using create_fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
using join_fn = int (*)(pthread_t, void**);

}  // namespace

extern "C" LOCKORDER_EXPORT int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                                               void* (*routine)(void*), void* arg) {
  static const auto next = reinterpret_cast<create_fn>(dlsym(RTLD_NEXT, "pthread_create"));
  lockorder::preload::ensure_initialized();
  Start* start = nullptr;
  {
    InsideRuntime inside;
    start = new (std::nothrow) Start{routine, arg, lockorder::internal::reserve_thread_ordinal()};
  }
  if (start == nullptr) return next(thread, attr, routine, arg);  // numbered on first lock
  const int rc = next(thread, attr, start_numbered, start);
  if (rc != 0) delete start;
  return rc;
}

// pthread_join, interposed (std::thread::join calls it too): a thread that joins another while it
// holds locks is published as waiting for that thread to end (lockorder/thread.h).
extern "C" LOCKORDER_EXPORT int pthread_join(pthread_t thread, void** result) {
  static const auto next = reinterpret_cast<join_fn>(dlsym(RTLD_NEXT, "pthread_join"));
  if (lockorder::preload::from_runtime()) return next(thread, result);
  lockorder::preload::ensure_initialized();
  bool published = false;
  {
    InsideRuntime inside;
    try {
      published = lockorder::internal::begin_join(thread);
    } catch (...) {
      // on_report=throw cannot cross a C interface: the report was printed, the join goes on.
    }
  }
  // Published: the join waits in steps, and between them searches again for a cycle through it.
  int rc = ETIMEDOUT;
  while (published && rc == ETIMEDOUT) {
    const timespec until = lockorder::preload::next_search();
    rc = pthread_timedjoin_np(thread, result, &until);
    if (rc != ETIMEDOUT) break;
    InsideRuntime inside;
    try {
      published = lockorder::internal::search_again_while_waiting();
    } catch (...) {
      published = false;
    }
  }
  if (rc == ETIMEDOUT) rc = next(thread, result);
  InsideRuntime inside;
  lockorder::internal::end_wait_beyond_locks();
  return rc;
}
