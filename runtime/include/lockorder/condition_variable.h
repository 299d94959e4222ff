// Condition variables that work with lockorder's locks.
//
//   lockorder::condition_variable      for std::condition_variable, with
//                                      std::unique_lock<lockorder::mutex>
//   lockorder::condition_variable_any  for std::condition_variable_any, with any lock (it goes
//                                      through the lock's own lock()/unlock(), so the wait is
//                                      checked like any other release and acquisition; a lock
//                                      lockorder does not know, such as a std::mutex, works too)
//
// Contract: the same as the standard types, thread-safe, same spurious-wakeup rules. A wait
// releases its mutex (the mutex is not held while waiting, so the wait adds no edge from it) and
// re-acquires it when it returns: that re-acquisition is checked against the locks the thread
// still holds, before the thread blocks, exactly as a lock() at that point would be. A thread that
// holds other locks while it waits is, for the whole wait, a thread waiting for the mutex (it
// cannot return without it): a cycle of such waits and blocked acquisitions is a deadlock. It
// also waits for a notification, which any thread that does not wait on the condition variable
// may send: when every such thread is blocked for good (on a lock the waiter holds, say), so is
// the waiter, and the deadlock is reported (an event whose setter waits for the waiter's lock).
// A name for reports may be given to the constructor. Timed waits are never part of a deadlock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <source_location>
#include <stop_token>
#include <utility>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/waitable_meta.h"
#include "lockorder/mutex.h"

namespace lockorder {
namespace internal {

// What both condition variables share: the native one, and what the wait-for graph reads of it
// (the threads that wait on it, and its notifications, each of which ends the phase they wait in:
// a waiter published is then no longer blocked for want of a notifier).
template <class Native>
class seen_condition {
 public:
  seen_condition(const seen_condition&) = delete;
  seen_condition& operator=(const seen_condition&) = delete;

  void notify_one() noexcept {
    waiters_.next_phase();
    native_.notify_one();
  }
  void notify_all() noexcept {
    waiters_.next_phase();
    native_.notify_all();
  }

 protected:
  seen_condition(const char* name, const std::source_location& site)
      : waiters_(name, ArrivalMeta::Kind::condition_variable, site) {}
  // Marks the calling thread as waiting on it, for the scope of what it returns.
  waiting_at enter_wait() { return waiting_at(&waiters_, waiters_.current_phase()); }

  ArrivalMeta waiters_;
  Native native_;
};

}  // namespace internal

class condition_variable : public internal::seen_condition<std::condition_variable> {
 public:
  explicit condition_variable(const char* name = nullptr,
                              std::source_location site = std::source_location::current())
      : seen_condition(name, site) {}

  void wait(std::unique_lock<mutex>& lock) {
    internal::waiting_at waiting = enter_wait();
    Prepared prepared(lock, &waiters_);
    native_.wait(prepared.native);
  }
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate ready) {
    while (!ready()) wait(lock);
  }

  template <class Clock, class Duration>
  std::cv_status wait_until(std::unique_lock<mutex>& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    Prepared prepared(lock, nullptr);  // it can time out: no notifier is needed
    return native_.wait_until(prepared.native, deadline);
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(std::unique_lock<mutex>& lock,
                  const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready) {
    while (!ready()) {
      if (wait_until(lock, deadline) == std::cv_status::timeout) return ready();
    }
    return true;
  }
  template <class Rep, class Period>
  std::cv_status wait_for(std::unique_lock<mutex>& lock,
                          const std::chrono::duration<Rep, Period>& timeout) {
    return wait_until(lock, std::chrono::steady_clock::now() + timeout);
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                Predicate ready) {
    return wait_until(lock, std::chrono::steady_clock::now() + timeout, std::move(ready));
  }

 private:
  // For one wait: the release/re-acquire check, the wait published while other locks are held,
  // and the already-held native mutex handed to the wait (and back to `lock` after it).
  struct Prepared {
    Prepared(std::unique_lock<mutex>& lock, const internal::ArrivalMeta* notified_by)
        : published(lock.mutex()->meta_, internal::before_wait(lock.mutex()->meta_), notified_by),
          native(lock.mutex()->native_, std::adopt_lock) {}
    ~Prepared() { native.release(); }
    internal::condition_wait published;
    std::unique_lock<std::mutex> native;
  };
};

class condition_variable_any : public internal::seen_condition<std::condition_variable_any> {
 public:
  explicit condition_variable_any(const char* name = nullptr,
                                  std::source_location site = std::source_location::current())
      : seen_condition(name, site) {}

  template <class Lock>
  void wait(Lock& lock) {
    internal::waiting_at waiting = enter_wait();
    Released<Lock> released{lock, waiters_};
    native_.wait(released);
  }
  template <class Lock, class Predicate>
  void wait(Lock& lock, Predicate ready) {
    while (!ready()) wait(lock);
  }
  template <class Lock, class Predicate>
  bool wait(Lock& lock, std::stop_token stop, Predicate ready) {
    internal::waiting_at waiting = enter_wait();
    Released<Lock> released{lock, waiters_};
    return native_.wait(released, std::move(stop), std::move(ready));
  }

  // Timed waits end by themselves: they are passed through as they are.
  template <class Lock, class Clock, class Duration>
  std::cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline) {
    return native_.wait_until(lock, deadline);
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                  Predicate ready) {
    return native_.wait_until(lock, deadline, std::move(ready));
  }
  template <class Lock, class Rep, class Period>
  std::cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout) {
    return native_.wait_for(lock, timeout);
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready) {
    return native_.wait_for(lock, timeout, std::move(ready));
  }

 private:
  // The caller's lock as the native wait sees it: once the wait has released it, the thread is
  // published as waiting for a notifier (when it holds other locks), until it takes it back. So
  // what the wait-for graph shows it holding is what it holds.
  template <class Lock>
  struct Released {
    Lock& inner;
    internal::ArrivalMeta& waiters;
    void unlock() {
      inner.unlock();
      try {
        internal::begin_arrival_wait(waiters, false);
      } catch (...) {
        inner.lock();  // a wait that throws returns with its lock held
        throw;
      }
    }
    void lock() {
      internal::end_wait_beyond_locks();
      inner.lock();
    }
  };
};

}  // namespace lockorder
