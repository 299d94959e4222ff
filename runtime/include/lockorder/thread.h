// lockorder::thread and lockorder::jthread: std::thread and std::jthread whose joins the runtime
// sees. A thread that joins another while it holds locks waits for that thread to end; when the
// joined thread waits (directly, or through other blocked threads) for one of those locks, the
// two are blocked for good, and the runtime reports the deadlock the moment the last of them
// blocks (kind `deadlock`), instead of hanging.
//
// Contract: drop-in replacements (every constructor and member of the standard types); only
// join() differs, and the destructor of jthread, which requests a stop and joins through it.
// Under lockorder-run, std::thread and pthread_join are seen the same way without these types.
// Thread-safety: as the standard types.
#pragma once

#include <thread>
#include <utility>

#include "lockorder/internal/lock_hooks.h"

namespace lockorder {

class thread : public std::thread {
 public:
  using std::thread::thread;
  thread() noexcept = default;
  thread(thread&&) noexcept = default;
  thread& operator=(thread&&) noexcept = default;

  void join() {
    internal::joining waiting(native_handle());
    std::thread::join();
  }
};

class jthread : public std::jthread {
 public:
  using std::jthread::jthread;
  jthread() noexcept = default;
  jthread(jthread&&) noexcept = default;
  jthread& operator=(jthread&& other) noexcept {
    stop_and_join();
    std::jthread::operator=(std::move(other));
    return *this;
  }
  ~jthread() { stop_and_join(); }

  void join() {
    internal::joining waiting(native_handle());
    std::jthread::join();
  }

 private:
  void stop_and_join() {
    if (!joinable()) return;
    request_stop();
    join();
  }
};

}  // namespace lockorder
