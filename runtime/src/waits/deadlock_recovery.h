// Breaking a deadlock instead of ending the process: the resolver a watchdog installs, the victim
// flag a blocked thread polls, and the switch that makes every blocked acquisition publish
// (g_publish_every_wait, declared in lockorder/internal/fast_path.h: the fast path reads it).
#pragma once

#include <atomic>

#include "lockorder/wait_for.h"
#include "threads/thread_state.h"
#include "waits/wait_for_graph.h"

namespace lockorder::internal {

// Whether the program asked for every wait to be published (publish_every_wait(true), a
// watchdog explaining stalls): then waits beyond locks are published with nothing held too.
extern constinit std::atomic<bool> g_every_wait_asked;

// Installs the resolver (set_deadlock_resolver); an empty one uninstalls it.
void install_resolver(deadlock_resolver resolver);

// Asks the resolver for a victim of `deadlock` and marks it (the victim may be the thread that
// found the deadlock: it then throws from throw_if_deadlock_victim). Returns whether a victim was
// chosen, and then says so in `report`.
bool resolve_deadlock(const WaitForGraph::Deadlock& deadlock, RawReport& report);

}  // namespace lockorder::internal
