// fork() and the runtime: the internal locks are taken in their order (process/internal_locks.h)
// before the fork and released after it in both processes, so that the child never inherits one
// held by a thread that does not exist there. The handlers run inside the runtime
// (InsideRuntime), so the preload library's interposers let these lock operations pass unchecked.
#include <pthread.h>

#include "entry/entry_points.h"
#include "order/known_orders.h"
#include "order/order_checker.h"
#include "process/settings.h"
#include "reporting/reporter.h"
#include "threads/thread_state.h"
#include "waits/wait_for_graph.h"

namespace lockorder::internal {
namespace {

void prepare() {
  ++t_inside_runtime;
  // In the runtime's lock order (process/internal_locks.h).
  reporter().lock_symbolizer_for_fork();
  order_checker().lock_for_fork();
  known_orders().lock_for_fork();
  wait_for_graph().lock_for_fork();
  reporter().lock_output_for_fork();
  lock_options_for_fork();
  thread_registry().lock_for_fork();
}

void release(bool in_child) {
  ThreadState* thread = thread_state_if_any();
  if (in_child && thread != nullptr) thread->refresh_tid();
  thread_registry().unlock_after_fork(in_child, thread);
  unlock_options_after_fork();
  reporter().unlock_output_after_fork(in_child);
  wait_for_graph().unlock_after_fork(in_child ? thread : nullptr);
  known_orders().unlock_after_fork();
  order_checker().unlock_after_fork();
  reporter().unlock_symbolizer_after_fork();
  --t_inside_runtime;
}

}  // namespace

void register_fork_handlers() {
  static const bool registered = [] {
    pthread_atfork(prepare, [] { release(false); }, [] { release(true); });
    return true;
  }();
  (void)registered;
}

}  // namespace lockorder::internal
