#include "threads/thread_state.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <utility>

#include "entry/entry_points.h"

namespace lockorder::internal {

constinit ThreadHot kNoThreadState{HeldStack::NeverFast{}};

__attribute__((tls_model("initial-exec"))) constinit thread_local ThreadHot* t_thread_state =
    &kNoThreadState;

__attribute__((tls_model("initial-exec"))) constinit thread_local unsigned t_inside_runtime = 0;

namespace {

__attribute__((tls_model("initial-exec"))) thread_local bool t_torn_down = false;
__attribute__((tls_model("initial-exec"))) thread_local std::uint32_t t_reserved_ordinal = 0;
std::atomic<std::uint32_t> g_thread_ordinals{0};

// Owns the state and frees it when the thread exits.
struct ThreadStateOwner {
  ThreadState* state = nullptr;
  ~ThreadStateOwner() {
    t_torn_down = true;
    t_thread_state = &kNoThreadState;
    if (state == nullptr) return;
    InsideRuntime inside;  // the registry's lock is the runtime's own
    thread_registry().remove(*state);
    delete state;
  }
};

}  // namespace

ThreadState* create_thread_state() noexcept {
  if (t_torn_down) return nullptr;
  static thread_local ThreadStateOwner owner;
  const std::uint32_t ordinal =
      t_reserved_ordinal != 0 ? t_reserved_ordinal : reserve_thread_ordinal();
  owner.state = new ThreadState(ordinal);
  {
    InsideRuntime inside;
    thread_registry().add(*owner.state);
  }
  t_thread_state = owner.state;
  return owner.state;
}

std::uint32_t reserve_thread_ordinal() noexcept {
  return g_thread_ordinals.fetch_add(1, std::memory_order_relaxed) + 1;
}

void adopt_thread_ordinal(std::uint32_t ordinal) noexcept {
  if (t_thread_state == &kNoThreadState) t_reserved_ordinal = ordinal;
}

ThreadRegistry& thread_registry() {
  static ThreadRegistry* registry = new ThreadRegistry;  // never destroyed: threads outlive exit
  return *registry;
}

void ThreadRegistry::add(ThreadState& thread) {
  std::lock_guard guard(mu_);
  threads_.push_back(&thread);
}

void ThreadRegistry::remove(ThreadState& thread) {
  std::lock_guard guard(mu_);
  std::erase(threads_, &thread);
}

bool ThreadRegistry::post(int tid, const DroppedHold& dropped) {
  std::lock_guard guard(mu_);
  for (ThreadState* thread : threads_) {
    if (thread->tid() != tid) continue;
    thread->dropped_holds_.push_back(dropped);
    thread->has_dropped_holds.store(true, std::memory_order_release);
    return true;
  }
  return false;
}

void ThreadRegistry::post_to_all(const DroppedHold& dropped, const ThreadState* except) {
  std::lock_guard guard(mu_);
  for (ThreadState* thread : threads_) {
    if (thread == except) continue;
    thread->dropped_holds_.push_back(dropped);
    thread->has_dropped_holds.store(true, std::memory_order_release);
  }
}

std::vector<DroppedHold> ThreadRegistry::take(ThreadState& thread) {
  std::lock_guard guard(mu_);
  thread.has_dropped_holds.store(false, std::memory_order_relaxed);
  return std::exchange(thread.dropped_holds_, {});
}

std::uint32_t ThreadRegistry::ordinal_of(int tid) {
  std::lock_guard guard(mu_);
  for (const ThreadState* thread : threads_)
    if (thread->tid() == tid) return thread->ordinal();
  return 0;
}

void ThreadRegistry::lock_for_fork() { mu_.lock(); }

void ThreadRegistry::unlock_after_fork(bool in_child, ThreadState* survivor) {
  if (in_child) {
    threads_.clear();
    if (survivor != nullptr) {
      threads_.push_back(survivor);
      survivor->dropped_holds_.clear();
      survivor->has_dropped_holds.store(false, std::memory_order_relaxed);
    }
  }
  mu_.unlock();
}

std::uintptr_t ThreadState::stack_top() {
  if (stack_top_ == 0) {
    pthread_attr_t attr;
    void* base = nullptr;
    std::size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      if (pthread_attr_getstack(&attr, &base, &size) == 0)
        stack_top_ = reinterpret_cast<std::uintptr_t>(base) + size;
      pthread_attr_destroy(&attr);
    }
    if (stack_top_ == 0) stack_top_ = 1;  // unknown: no stack is ever taken as current
  }
  return stack_top_;
}

void ThreadState::refresh_tid() { tid_ = static_cast<int>(syscall(SYS_gettid)); }

const std::string& ThreadState::label() {
  if (!label_.empty()) return label_;
  std::string name = name_;
  if (name.empty()) {
    char buffer[64] = {};
    if (pthread_getname_np(pthread_self(), buffer, sizeof buffer) == 0) name = buffer;
    if (syscall(SYS_gettid) == getpid()) name = name.empty() ? "main" : "main thread, " + name;
  }
  label_ = "T" + std::to_string(ordinal_);
  if (!name.empty()) label_ += " '" + name + "'";
  return label_;
}

}  // namespace lockorder::internal
