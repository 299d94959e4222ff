#include "thread_state.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "entry_points.h"

namespace lockorder::internal {

__attribute__((tls_model("initial-exec"))) constinit thread_local ThreadState* t_thread_state =
    nullptr;

__attribute__((tls_model("initial-exec"))) constinit thread_local unsigned t_inside_runtime = 0;

namespace {

__attribute__((tls_model("initial-exec"))) thread_local bool t_torn_down = false;
std::atomic<std::uint32_t> g_thread_ordinals{0};

// Owns the state and frees it when the thread exits.
struct ThreadStateOwner {
  ThreadState* state = nullptr;
  ~ThreadStateOwner() {
    t_torn_down = true;
    t_thread_state = nullptr;
    delete state;
  }
};

}  // namespace

ThreadState* create_thread_state() noexcept {
  if (t_torn_down) return nullptr;
  static thread_local ThreadStateOwner owner;
  owner.state = new ThreadState(g_thread_ordinals.fetch_add(1, std::memory_order_relaxed) + 1);
  t_thread_state = owner.state;
  return t_thread_state;
}

void HashCache::insert(std::uint64_t hash) {
  std::uint64_t& slot = slots_[index(hash)];
  if (slot != 0 && slot != hash && ++evictions_ > size() && size() < max_size_) {
    // Thrashing: twice as large, keeping what it knew (each entry forgotten is another visit to
    // the shared tables).
    std::unique_ptr<std::uint64_t[]> old = std::move(slots_);
    const std::size_t old_size = size();
    slots_ = std::make_unique<std::uint64_t[]>(2 * old_size);
    mask_ = 2 * old_size - 1;
    evictions_ = 0;
    for (std::size_t i = 0; i < old_size; ++i)
      if (old[i] != 0) slots_[index(old[i])] = old[i];
    slots_[index(hash)] = hash;
    return;
  }
  slot = hash;
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
