#include "preload_init.h"

#include <pthread.h>

#include <mutex>

#include "entry/entry_points.h"
#include "lockorder/options.h"
#include "process/settings.h"
#include "shadow.h"
#include "threads/thread_state.h"

namespace lockorder::preload {

constinit std::atomic<bool> g_initialized{false};

namespace {

// The shadows' side table is locked outside the runtime's own locks; registered after the
// runtime's handlers, these run first before a fork and last after it.
void prepare_fork() {
  ++internal::t_inside_runtime;
  lock_shadows_for_fork();
}
void after_fork() {
  unlock_shadows_after_fork();
  --internal::t_inside_runtime;
}

}  // namespace

void initialize_once() {
  internal::InsideRuntime inside;
  static std::once_flag once;
  std::call_once(once, [] {
    // Reads LOCKORDER_OPTIONS (a bad value is said on stderr at once), registers the exit
    // handler that sets the exit status, and the runtime's fork handlers.
    internal::mark_unmodified_program();
    // The thread that loads the library (the main thread) is T1, whenever it first locks.
    internal::adopt_thread_ordinal(internal::reserve_thread_ordinal());
    (void)get_options();
    internal::register_fork_handlers();
    pthread_atfork(prepare_fork, after_fork, after_fork);
    g_initialized.store(true, std::memory_order_release);
  });
}

[[gnu::constructor]] void initialize_at_load() { ensure_initialized(); }

}  // namespace lockorder::preload
