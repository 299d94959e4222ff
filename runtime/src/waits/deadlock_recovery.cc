#include "waits/deadlock_recovery.h"

#include <memory>
#include <mutex>
#include <utility>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/wait_for.h"
#include "process/internal_locks.h"

namespace lockorder::internal {

constinit std::atomic<unsigned> g_publish_every_wait{0};
constinit std::atomic<bool> g_every_wait_asked{false};

namespace {

std::atomic<bool> g_resolver_installed{false};

struct ResolverSlot {
  OrderedMutex<std::mutex, InternalLock::resolver> mu;
  std::shared_ptr<const deadlock_resolver> resolver;
};

ResolverSlot& resolver_slot() {
  static ResolverSlot* slot = new ResolverSlot;  // never destroyed: threads may block at exit
  return *slot;
}

std::shared_ptr<const deadlock_resolver> current_resolver() {
  ResolverSlot& slot = resolver_slot();
  std::lock_guard guard(slot.mu);
  return slot.resolver;
}

[[noreturn]] void throw_victim(ThreadState& thread) {
  thread.chosen_victim.store(false, std::memory_order_relaxed);
  throw deadlock_victim(thread.label() +
                        " was chosen to break a deadlock: its wait gave up, retry the work");
}

}  // namespace

bool blocked_wait_interruptible() noexcept {
  return g_resolver_installed.load(std::memory_order_relaxed);
}

void throw_if_deadlock_victim() {
  ThreadState* thread = thread_state_if_any();
  if (thread == nullptr || !thread->chosen_victim.load(std::memory_order_acquire)) return;
  // Withdrawn before the throw: the caller of begin_blocked_wait has no guard yet.
  end_blocked_wait();
  end_wait_beyond_locks();
  throw_victim(*thread);
}

void install_resolver(deadlock_resolver resolver) {
  ResolverSlot& slot = resolver_slot();
  std::lock_guard guard(slot.mu);
  const bool installed = static_cast<bool>(resolver);
  slot.resolver =
      installed ? std::make_shared<const deadlock_resolver>(std::move(resolver)) : nullptr;
  g_resolver_installed.store(installed, std::memory_order_relaxed);
}

bool resolve_deadlock(const WaitForGraph::Deadlock& deadlock, RawReport& report) {
  std::shared_ptr<const deadlock_resolver> resolver = current_resolver();
  if (!resolver) return false;
  std::optional<std::size_t> victim;
  try {
    victim = (*resolver)(deadlock.view);
  } catch (...) {
    victim.reset();  // a failing resolver leaves the deadlock to on_deadlock
  }
  if (!victim || *victim >= deadlock.threads.size()) return false;
  const ThreadState* chosen = deadlock.threads[*victim];
  if (!wait_for_graph().choose_victim(chosen)) return false;
  report.hint = "Broken at run time: " + deadlock.view[*victim].thread +
                " was chosen as the victim; its acquisition throws lockorder::deadlock_victim "
                "and the others proceed. To stop it happening, take the locks in one global "
                "order (the lock-order-inversion reports show where the orders differ).";
  return true;
}

}  // namespace lockorder::internal
