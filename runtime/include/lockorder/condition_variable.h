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
// still holds, before the thread blocks, exactly as a lock() at that point would be.
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
    std::unique_lock<std::mutex> native = prepare(lock);
    native_.wait(native);
    native.release();
  }
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate ready) {
    while (!ready()) wait(lock);
  }

  template <class Clock, class Duration>
  std::cv_status wait_until(std::unique_lock<mutex>& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    std::unique_lock<std::mutex> native = prepare(lock);
    std::cv_status status = native_.wait_until(native, deadline);
    native.release();
    return status;
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
  // Runs the release/re-acquire check, then hands the already-held native mutex to the wait.
  static std::unique_lock<std::mutex> prepare(std::unique_lock<mutex>& lock) {
    mutex& m = *lock.mutex();
    internal::before_wait(m.meta_);
    return std::unique_lock<std::mutex>(m.native_, std::adopt_lock);
  }

  std::condition_variable native_;
};

using condition_variable_any = std::condition_variable_any;

}  // namespace lockorder
