// AdaptiveMutex: a mutex whose waiters spin for a moment before they sleep (glibc's adaptive
// mutex type), for the runtime's own short critical sections.
//
// Learning an edge holds the lock-order graph for a microsecond or two. When several threads
// learn at once (every worker of a server meeting new lock pairs), a waiter that sleeps in the
// kernel pays a futex sleep and wake-up many times longer than the wait itself, on the program's
// critical path; spinning briefly first turns most of those waits into the short wait they are.
// Meets the Lockable requirements, so std::unique_lock and std::lock_guard work with it.
#pragma once

#include <pthread.h>

namespace lockorder::internal {

class AdaptiveMutex {
 public:
  AdaptiveMutex() = default;
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;
  ~AdaptiveMutex() { pthread_mutex_destroy(&mutex_); }

  void lock() { pthread_mutex_lock(&mutex_); }
  bool try_lock() { return pthread_mutex_trylock(&mutex_) == 0; }
  void unlock() { pthread_mutex_unlock(&mutex_); }

 private:
  pthread_mutex_t mutex_ = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
};

}  // namespace lockorder::internal
