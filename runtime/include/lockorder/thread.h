// lockorder::thread and lockorder::jthread: std::thread and std::jthread whose joins the runtime
// sees.
//   - A join made while holding a lock that the joined thread has taken (in its life so far, or
//     later) is a potential deadlock: reported as `join-under-lock` when the second of the two
//     happens, whether or not this run hangs.
//   - A thread that joins another while it holds locks waits for that thread to end; when the
//     joined thread waits (directly, or through other blocked threads) for one of those locks,
//     the two are blocked for good, and the runtime reports the deadlock the moment the last of
//     them blocks (kind `deadlock`), instead of hanging.
//
// Contract: drop-in replacements (every constructor and member of the standard types); join()
// differs, and the destructor of jthread, which requests a stop and joins through it. The cost:
// every lock such a thread takes is nested under its life (thread_life.h), so its acquisitions
// take the fast path of a lock taken under another (docs/PERFORMANCE.md).
// Under lockorder-run, std::thread and pthread_join are seen for the deadlock (not for the
// potential one) without these types.
// Thread-safety: as the standard types.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <utility>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/thread_life.h"

namespace lockorder {
namespace internal {

// The life a lockorder::thread or jthread holds: a base, so that it exists before the standard
// thread starts.
struct life_of_thread {
  std::shared_ptr<ThreadLife> life;
};

// What the new thread runs: `f(args...)` (or, for a jthread whose `f` takes one, `f(stop_token,
// args...)`) inside its life. The arguments are decayed copies made by the creating thread, as
// the standard threads make them.
template <bool kJthread, class F, class... Args>
auto run_living(std::shared_ptr<ThreadLife> life, F&& f, Args&&... args) {
  auto body = [life = std::move(life), fn = std::forward<F>(f),
               ... as = std::forward<Args>(args)](auto... token) mutable {
    living alive(*life);
    std::invoke(std::move(fn), token..., std::move(as)...);
  };
  if constexpr (kJthread &&
                std::is_invocable_v<std::decay_t<F>, std::stop_token, std::decay_t<Args>...>)
    return [body = std::move(body)](std::stop_token token) mutable { body(token); };
  else
    return [body = std::move(body)]() mutable { body(); };
}

}  // namespace internal

class thread : private internal::life_of_thread, public std::thread {
 public:
  thread() noexcept = default;
  template <class F, class... Args>
    requires(!std::is_same_v<std::remove_cvref_t<F>, thread>)
  explicit thread(F&& f, Args&&... args)
      : internal::life_of_thread{std::make_shared<internal::ThreadLife>()},
        std::thread(
            internal::run_living<false>(life, std::forward<F>(f), std::forward<Args>(args)...)) {}
  thread(thread&&) noexcept = default;
  thread& operator=(thread&&) noexcept = default;

  void join() {
    if (life && joinable()) internal::check_join(*life);
    internal::joining waiting(native_handle());
    std::thread::join();
  }
  void swap(thread& other) noexcept {
    std::thread::swap(other);
    life.swap(other.life);
  }
};

class jthread : private internal::life_of_thread, public std::jthread {
 public:
  jthread() noexcept = default;
  template <class F, class... Args>
    requires(!std::is_same_v<std::remove_cvref_t<F>, jthread>)
  explicit jthread(F&& f, Args&&... args)
      : internal::life_of_thread{std::make_shared<internal::ThreadLife>()},
        std::jthread(
            internal::run_living<true>(life, std::forward<F>(f), std::forward<Args>(args)...)) {}
  jthread(jthread&&) noexcept = default;
  jthread& operator=(jthread&& other) noexcept {
    stop_and_join();
    std::jthread::operator=(std::move(other));
    life = std::move(other.life);
    return *this;
  }
  ~jthread() { stop_and_join(); }

  void join() {
    if (life && joinable()) internal::check_join(*life);
    internal::joining waiting(native_handle());
    std::jthread::join();
  }
  void swap(jthread& other) noexcept {
    std::jthread::swap(other);
    life.swap(other.life);
  }

 private:
  void stop_and_join() {
    if (!joinable()) return;
    request_stop();
    join();
  }
};

}  // namespace lockorder
