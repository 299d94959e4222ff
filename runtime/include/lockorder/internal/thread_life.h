// Internal: the life of a lockorder::thread as a node of the lock-order graph, which is what
// finds a join made under a lock before it ever hangs (`join-under-lock`). Not part of the public
// promise; use <lockorder/thread.h>.
//
// The thread holds its life from its start to its end, below every lock it takes, so each lock
// it takes outside any other gets an edge from its life. A thread that joins it while holding
// locks is checked as if it acquired the life there: an edge from each held lock into the life.
// A cycle through a life is therefore a join made while holding a lock that the joined thread
// takes (or takes while holding a lock that leads to it): reported as `join-under-lock`.
// No other edge leads into a life, and a life is never part of the wait-for graph's holds.
#pragma once

#include <cstdint>
#include <source_location>
#include <string>

#include "lockorder/internal/lock_hooks.h"
#include "lockorder/internal/lock_meta.h"

namespace lockorder::internal {

// A thread number (the N of TN in reports) for a thread about to start, which it adopts first.
std::uint32_t reserve_thread_number() noexcept;

struct ThreadLife {
  ThreadLife()
      : number(reserve_thread_number()),
        label("thread T" + std::to_string(number)),
        meta(lock_attributes{label.c_str(), nullptr, 0}, LockKind::thread,
             std::source_location::current()) {}
  ~ThreadLife() { destroy(meta); }
  ThreadLife(const ThreadLife&) = delete;
  ThreadLife& operator=(const ThreadLife&) = delete;

  const std::uint32_t number;
  const std::string label;
  LockMeta meta;
};

// On the thread whose life it is: first and last.
void begin_thread_life(ThreadLife& life);
void end_thread_life(ThreadLife& life) noexcept;
// On a thread about to join the one whose life it is: the order check (no-op when it holds no
// lock). May throw lockorder::lock_order_error (on_report=throw).
void check_join(ThreadLife& life);

class living {
 public:
  explicit living(ThreadLife& life) : life_(life) { begin_thread_life(life); }
  ~living() { end_thread_life(life_); }
  living(const living&) = delete;
  living& operator=(const living&) = delete;

 private:
  ThreadLife& life_;
};

}  // namespace lockorder::internal
