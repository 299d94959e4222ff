#include "threads/thread_state.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <utility>

#include "entry/entry_points.h"

namespace lockorder::internal {

__attribute__((tls_model("initial-exec"))) constinit thread_local ThreadState* t_thread_state =
    nullptr;

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
    t_thread_state = nullptr;
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
  return t_thread_state;
}

std::uint32_t reserve_thread_ordinal() noexcept {
  return g_thread_ordinals.fetch_add(1, std::memory_order_relaxed) + 1;
}

void adopt_thread_ordinal(std::uint32_t ordinal) noexcept {
  if (t_thread_state == nullptr) t_reserved_ordinal = ordinal;
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

void HeldStack::grow() {
  const std::size_t capacity = static_cast<std::size_t>(end_ - items_.get());
  if (capacity != 0 && first_ != items_.get() && 2 * size_ <= capacity) {
    // Room freed at the front (releases from the bottom): move down instead of growing.
    std::move(first_, first_ + size_, items_.get());
    first_ = items_.get();
    return;
  }
  const std::size_t new_capacity = capacity ? 2 * capacity : 64;
  auto items = std::make_unique<HeldLock[]>(new_capacity);
  std::move(first_, first_ + size_, items.get());
  items_ = std::move(items);
  first_ = items_.get();
  end_ = first_ + new_capacity;
}

void HeldStack::note_pushed() {
  const std::size_t k = size_ - 1;
  if (k < kShallow) return;
  ++deep_[first_[k].lock];
  if (stale_from_ > k) set_next_head(k);
}

void HeldStack::pop_deep() {
  if (auto it = deep_.find(first_[size_ - 1].lock); it != deep_.end() && --it->second == 0)
    deep_.erase(it);
  --size_;
  if (stale_from_ >= size_) stale_from_ = kCurrent;
  if (size_ <= kShallow) ensure_chains();
}

void HeldStack::erase(std::size_t i) {
  // Entries above i move down one position: a deep one moving to kShallow - 1 leaves the index.
  const std::size_t leaving = i >= kShallow ? i : size_ > kShallow ? kShallow : kCurrent;
  if (leaving != kCurrent) {
    if (auto it = deep_.find(first_[leaving].lock); it != deep_.end() && --it->second == 0)
      deep_.erase(it);
  }
  // The smaller side moves: a release from the bottom costs as little as one from the top.
  if (i < size_ - 1 - i) {
    std::move_backward(first_, first_ + i, first_ + i + 1);
    ++first_;
  } else {
    std::move(first_ + i + 1, first_ + size_, first_ + i);
  }
  --size_;
  if (i < size_) first_[i].detached = true;
  if (size_ <= kShallow)
    rederive(std::min(i, stale_from_));
  else
    stale_from_ = std::min(i, stale_from_);
}

HeldLock* HeldStack::find(const LockMeta* lock) {
  if (size_ == 0) return nullptr;
  if (first_[size_ - 1].lock == lock) return &first_[size_ - 1];
  if (size_ > kShallow && deep_.contains(lock)) {
    for (std::size_t k = size_; k-- > kShallow;)
      if (first_[k].lock == lock) return &first_[k];
  }
  for (std::size_t k = std::min(size_, kShallow); k-- > 0;)
    if (first_[k].lock == lock) return &first_[k];
  return nullptr;
}

void HeldStack::rederive(std::size_t from) {
  for (std::size_t k = from; k < size_; ++k) {
    HeldLock& h = first_[k];
    h.chain = extend_chain(k > 0 ? first_[k - 1].chain : 0, h.node_key, h.mode, h.tried, false);
    if (k >= kShallow) set_next_head(k);
  }
  stale_from_ = kCurrent;
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
