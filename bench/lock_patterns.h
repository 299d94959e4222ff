// One round of each lock pattern the runtime's benchmarks measure, shared by runtime_bench.cc
// (timed against std::mutex) and lock_loop.cc (instructions counted by cachegrind), so that both
// measure the same code. Always inline: each loop is to be compiled as if written out in place
// (a call per round would be measured too).
#pragma once

// A lock and unlock of one lock (whatever is held around it).
template <class Mutex>
[[gnu::always_inline]] inline void lock_unlock(Mutex& m) {
  m.lock();
  m.unlock();
}

// A nest of three: lock A, B, C, unlock C, B, A.
template <class Mutex>
[[gnu::always_inline]] inline void nest_of_three(Mutex& a, Mutex& b, Mutex& c) {
  a.lock();
  b.lock();
  c.lock();
  c.unlock();
  b.unlock();
  a.unlock();
}

// One thread's two locks, nested: the two-thread pattern, each thread with a pair of its own.
template <class Mutex>
struct alignas(128) PrivatePair {  // no false sharing between two threads' locks
  Mutex outer, inner;
};

template <class Mutex>
[[gnu::always_inline]] inline void nested_pair(PrivatePair<Mutex>& pair) {
  pair.outer.lock();
  pair.inner.lock();
  pair.inner.unlock();
  pair.outer.unlock();
}
