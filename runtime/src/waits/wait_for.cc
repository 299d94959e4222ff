// The public wait-for API (lockorder/wait_for.h): the blocked threads, publishing every wait, the
// deadlock resolver.
#include "lockorder/wait_for.h"

#include <atomic>
#include <utility>

#include "waits/deadlock_recovery.h"
#include "waits/wait_for_graph.h"

namespace lockorder {

std::vector<blocked_thread> blocked_threads() { return internal::wait_for_graph().snapshot(); }

void publish_every_wait(bool on) {
  if (internal::g_every_wait_asked.exchange(on) != on)
    on ? internal::g_publish_every_wait.fetch_add(1) : internal::g_publish_every_wait.fetch_sub(1);
}

void set_deadlock_resolver(deadlock_resolver resolver) {
  internal::install_resolver(std::move(resolver));
}

}  // namespace lockorder
