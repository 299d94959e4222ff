// lockorder::async, future, shared_future and promise: std::async (on a thread of its own),
// std::future, std::shared_future and std::promise whose waits the runtime sees
// (lockorder::thread_pool returns these futures too). The thread that runs the task is the one
// that makes its future ready: a thread that waits on the future (get, wait) while it holds a
// lock that the task's thread waits for, directly or through other blocked threads, is blocked
// for good with it, and the runtime reports the deadlock (kind `deadlock`) the moment both are
// blocked, instead of hanging. A promise's setter cannot be named: any thread that does not wait
// on its future may set it, and a waiter holding locks is blocked for good when every such
// thread is.
//
// Contract: lockorder::async(f, args...) runs f(args...) on a new thread, as
// std::async(std::launch::async, ...) does, and returns a lockorder::future with the members of
// std::future (share() gives a lockorder::shared_future, with the members of
// std::shared_future). lockorder::promise has get_future, set_value and set_exception (a name
// for reports may be given to its constructor); destroyed unset, it breaks its future as
// std::promise does. A wait before the task has started is not a deadlock yet: if the task then
// blocks on a lock the waiter holds, its own wait closes the cycle. Timed waits (wait_for,
// wait_until) are never part of a deadlock.
// Thread-safety: as the standard types.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <source_location>
#include <type_traits>
#include <utility>
#include <variant>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"

namespace lockorder {
namespace internal {

// Who makes a future ready: the task that computes it (lockorder::async, thread_pool), or
// whoever sets its lockorder::promise (any thread that does not wait on it); null: not known.
using FutureMaker = std::variant<std::shared_ptr<const TaskRecord>, std::shared_ptr<ArrivalMeta>>;

// Waits for `native` (a std::future or std::shared_future), published in the wait-for graph as
// a wait for its maker.
template <class Native>
void wait_for_maker(const Native& native, const FutureMaker& maker) {
  if (native.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return;
  auto within = [&](auto step) { return native.wait_for(step) == std::future_status::ready; };
  auto untimed = [&] { native.wait(); };
  if (const auto* task = std::get_if<0>(&maker); task != nullptr && *task)
    return waiting_on(**task).wait(within, untimed);
  if (const auto* setter = std::get_if<1>(&maker); setter != nullptr && *setter)
    return waiting_on(**setter, 0).wait(within, untimed);  // a promise is set once: phase 0
  native.wait();
}

// What lockorder::future and lockorder::shared_future share: the wait, published, and the
// timed waits, passed through.
template <class Native>
class waited_future {
 public:
  void wait() const { wait_for_maker(native_, maker_); }
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
  waited_future(Native native, FutureMaker maker) noexcept
      : native_(std::move(native)), maker_(std::move(maker)) {}

  Native native_;
  FutureMaker maker_;
};

}  // namespace internal

template <class T>
class shared_future : public internal::waited_future<std::shared_future<T>> {
 public:
  shared_future() noexcept = default;
  shared_future(std::shared_future<T> native, internal::FutureMaker maker) noexcept
      : internal::waited_future<std::shared_future<T>>(std::move(native), std::move(maker)) {}

  decltype(auto) get() const {
    this->wait();
    return this->native_.get();
  }
};

template <class T>
class future : public internal::waited_future<std::future<T>> {
 public:
  future() noexcept = default;
  future(std::future<T> native, internal::FutureMaker maker) noexcept
      : internal::waited_future<std::future<T>>(std::move(native), std::move(maker)) {}
  future(future&&) noexcept = default;
  future& operator=(future&&) noexcept = default;

  T get() {
    this->wait();
    return this->native_.get();
  }
  shared_future<T> share() noexcept {
    return shared_future<T>(this->native_.share(), std::move(this->maker_));
  }
};

// A promise whose future's waits the runtime sees. Nobody can name the thread that will set it,
// so the rule is that of a latch: any thread that does not wait on its future may; a thread
// that waits on the future while it holds locks is blocked for good when every such thread is.
template <class T>
class promise {
 public:
  explicit promise(const char* name = nullptr,
                   std::source_location site = std::source_location::current())
      : setter_(std::make_shared<internal::ArrivalMeta>(name, internal::ArrivalMeta::Kind::promise,
                                                        site)) {}
  promise(promise&&) noexcept = default;
  promise& operator=(promise&& other) noexcept {
    settle();
    native_ = std::move(other.native_);
    setter_ = std::move(other.setter_);
    return *this;
  }
  ~promise() { settle(); }  // a promise broken ends the wait too

  future<T> get_future() { return future<T>(native_.get_future(), setter_); }
  template <class... Value>
  void set_value(Value&&... value) {
    settle();  // before the value: a waiter is never blocked once it is there
    native_.set_value(std::forward<Value>(value)...);
  }
  void set_exception(std::exception_ptr error) {
    settle();
    native_.set_exception(std::move(error));
  }

 private:
  void settle() noexcept {
    if (setter_ && setter_->current_phase() == 0) setter_->next_phase();
  }

  std::promise<T> native_;
  std::shared_ptr<internal::ArrivalMeta> setter_;
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
