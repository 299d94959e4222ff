// lockorder::async, lockorder::future and lockorder::shared_future: std::async (on a thread of
// its own), std::future and std::shared_future whose waits the runtime sees (lockorder::thread_pool
// returns these futures too). The thread that runs the task is the one that makes its future
// ready: a thread that waits on the future (get, wait) while it holds a lock that the task's
// thread waits for, directly or through other blocked threads, is blocked for good with it, and
// the runtime reports the deadlock (kind `deadlock`) the moment both are blocked, instead of
// hanging.
//
// Contract: lockorder::async(f, args...) runs f(args...) on a new thread, as
// std::async(std::launch::async, ...) does, and returns a lockorder::future with the members of
// std::future (share() gives a lockorder::shared_future, with the members of
// std::shared_future). A wait before the task has started is not a deadlock yet: if the task then
// blocks on a lock the waiter holds, its own wait closes the cycle. Timed waits (wait_for,
// wait_until) are never part of a deadlock. Thread-safety: as the standard types.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <type_traits>
#include <utility>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"

namespace lockorder {
namespace internal {

// Waits for `native` (a std::future or std::shared_future) of `task` (null: no task known),
// published in the wait-for graph as a wait for the thread that runs the task.
template <class Native>
void wait_for_task(const Native& native, const TaskRecord* task) {
  if (task == nullptr || native.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
    return native.wait();
  waiting_on(*task).wait(
      [&](auto step) { return native.wait_for(step) == std::future_status::ready; },
      [&] { native.wait(); });
}

// What lockorder::future and lockorder::shared_future share: the wait, published, and the
// timed waits, passed through.
template <class Native>
class waited_future {
 public:
  void wait() const { wait_for_task(native_, task_.get()); }
  bool valid() const noexcept { return native_.valid(); }
  template <class Rep, class Period>
  std::future_status wait_for(const std::chrono::duration<Rep, Period>& timeout) const {
    return native_.wait_for(timeout);
  }
  template <class Clock, class Duration>
  std::future_status wait_until(const std::chrono::time_point<Clock, Duration>& deadline) const {
    return native_.wait_until(deadline);
  }

 protected:
  waited_future() noexcept = default;
  waited_future(Native native, std::shared_ptr<const TaskRecord> task) noexcept
      : native_(std::move(native)), task_(std::move(task)) {}

  Native native_;
  std::shared_ptr<const TaskRecord> task_;
};

}  // namespace internal

template <class T>
class shared_future : public internal::waited_future<std::shared_future<T>> {
 public:
  shared_future() noexcept = default;
  shared_future(std::shared_future<T> native,
                std::shared_ptr<const internal::TaskRecord> task) noexcept
      : internal::waited_future<std::shared_future<T>>(std::move(native), std::move(task)) {}

  decltype(auto) get() const {
    this->wait();
    return this->native_.get();
  }
};

template <class T>
class future : public internal::waited_future<std::future<T>> {
 public:
  future() noexcept = default;
  future(std::future<T> native, std::shared_ptr<const internal::TaskRecord> task) noexcept
      : internal::waited_future<std::future<T>>(std::move(native), std::move(task)) {}
  future(future&&) noexcept = default;
  future& operator=(future&&) noexcept = default;

  T get() {
    this->wait();
    return this->native_.get();
  }
  shared_future<T> share() noexcept {
    return shared_future<T>(this->native_.share(), std::move(this->task_));
  }
};

template <class F, class... Args>
auto async(F&& f, Args&&... args)
    -> future<std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> {
  using Result = std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;
  auto task = std::make_shared<internal::TaskRecord>();
  std::future<Result> native = std::async(
      std::launch::async,
      [task](std::decay_t<F> fn, std::decay_t<Args>... as) -> Result {
        return internal::run_task(
            *task, [&]() -> Result { return std::invoke(std::move(fn), std::move(as)...); });
      },
      std::forward<F>(f), std::forward<Args>(args)...);
  return future<Result>(std::move(native), std::move(task));
}

}  // namespace lockorder
