#include "lockorder/internal/thread_life.h"

#include "threads/thread_state.h"

namespace lockorder::internal {

std::uint32_t reserve_thread_number() noexcept { return reserve_thread_ordinal(); }

void begin_thread_life(ThreadLife& life) {
  adopt_thread_ordinal(life.number);  // before the thread's state exists
  before_lock(life.meta, Mode::exclusive, kBlocking);
}

void end_thread_life(ThreadLife& life) noexcept { before_unlock(life.meta, Mode::exclusive); }

void check_join(ThreadLife& life) {
  const ThreadState* thread = thread_state_if_any();
  if (thread == nullptr || !holds_locks(*thread)) return;
  // An acquisition of the life that never holds it: its edges and their check, nothing more.
  before_lock(life.meta, Mode::exclusive, kBlocking);
  lock_failed(life.meta, Mode::exclusive);
}

}  // namespace lockorder::internal
