// Condition variables that work with lockorder's locks.
//
//   lockorder::condition_variable      for std::condition_variable, with
//                                      std::unique_lock<lockorder::mutex>
//   lockorder::condition_variable_any  for std::condition_variable_any, with any lock (it goes
//                                      through the lock's own lock()/unlock(), so the wait is
//                                      checked like any other release and acquisition)
//
// Contract: the same as the standard types, thread-safe, same spurious-wakeup rules. A wait
// releases its mutex (the mutex is not held while waiting, so the wait adds no edge from it) and
// re-acquires it when it returns: that re-acquisition is checked against the locks the thread
// still holds, before the thread blocks, exactly as a lock() at that point would be. A thread that
// holds other locks while it waits is, for the whole wait, a thread waiting for the mutex (it
// cannot return without it): a cycle of such waits and blocked acquisitions is a deadlock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "lockorder/mutex.h"

namespace lockorder {

class condition_variable {
 public:
  condition_variable() = default;
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  void notify_one() noexcept { native_.notify_one(); }
  void notify_all() noexcept { native_.notify_all(); }

  void wait(std::unique_lock<mutex>& lock) {
    Prepared prepared(lock);
    native_.wait(prepared.native);
  }
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate ready) {
    while (!ready()) wait(lock);
  }

  template <class Clock, class Duration>
  std::cv_status wait_until(std::unique_lock<mutex>& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    Prepared prepared(lock);
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
    explicit Prepared(std::unique_lock<mutex>& lock)
        : published(lock.mutex()->meta_, internal::before_wait(lock.mutex()->meta_)),
          native(lock.mutex()->native_, std::adopt_lock) {}
    ~Prepared() { native.release(); }
    internal::condition_wait published;
    std::unique_lock<std::mutex> native;
  };

  std::condition_variable native_;
};

using condition_variable_any = std::condition_variable_any;

}  // namespace lockorder
