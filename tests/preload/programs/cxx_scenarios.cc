// The runtime scenarios of SCENARIOS.md as a plain C++ program that knows nothing of lockorder:
// std::mutex and friends only. `cxx_scenarios NAME` runs one; the preload tests run each under
// lockorder-run and check what it reports.
#include <pthread.h>

#include <barrier>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::mutex a, b, c;

// Runs `body` on a new thread named `name` and waits for it: sequenced, never concurrent.
void on_thread(const char* name, const std::function<void()>& body) {
  std::thread t([&] {
    pthread_setname_np(pthread_self(), name);
    body();
  });
  t.join();
}

[[gnu::noinline]] void take_a_then_b() {
  std::lock_guard first(a);
  std::lock_guard second(b);
}

[[gnu::noinline]] void take_b_then_a() {
  std::lock_guard first(b);
  std::lock_guard second(a);
}

void one_thread_inversion() {  // 1
  take_a_then_b();
  take_b_then_a();
}

void two_threads_sequenced() {  // 2
  on_thread("first", take_a_then_b);
  on_thread("second", take_b_then_a);
}

void three_lock_cycle() {  // 3
  auto nest = [](std::mutex& x, std::mutex& y) {
    std::lock_guard first(x);
    std::lock_guard second(y);
  };
  on_thread("ab", [&] { nest(a, b); });
  on_thread("bc", [&] { nest(b, c); });
  on_thread("ca", [&] { nest(c, a); });
}

void ring_of_100() {  // 4
  std::vector<std::mutex> ring(100);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    std::lock_guard first(ring[i]);
    std::lock_guard second(ring[(i + 1) % ring.size()]);
  }
}

void inversion_across_churn() {  // 5
  take_a_then_b();
  for (int i = 0; i < 100000; ++i) {
    auto m = std::make_unique<std::mutex>();
    std::lock_guard held(*m);
  }
  take_b_then_a();
}

struct Account {
  std::mutex mu;
  long balance = 0;
};

void reused_address_is_a_new_lock() {  // 6: std::mutex never calls pthread_mutex_destroy
  auto first = std::make_unique<Account>();
  const void* address = first.get();
  {
    std::lock_guard held(first->mu);
    std::lock_guard inner(a);
  }
  first.reset();
  auto second = std::make_unique<Account>();
  std::printf("same address: %s\n", second.get() == address ? "yes" : "no");
  std::lock_guard held(a);
  std::lock_guard inner(second->mu);
}

[[gnu::noinline]] void lock_local_then(std::mutex& other, bool local_first) {
  std::mutex local;  // the same stack slot on each call
  if (local_first) {
    std::lock_guard x(local);
    std::lock_guard y(other);
  } else {
    std::lock_guard y(other);
    std::lock_guard x(local);
  }
}

void reused_stack_slot_is_a_new_lock() {  // 6, on the stack
  lock_local_then(a, true);
  lock_local_then(a, false);
}

void try_lock_adds_no_edge() {  // 7, first half: none
  {
    std::lock_guard held(a);
    if (b.try_lock()) b.unlock();
  }
  take_b_then_a();
}

void try_locked_lock_is_held() {  // 7, second half: report
  {
    std::lock_guard held(c);   // H
    std::lock_guard inner(a);  // G
  }
  if (a.try_lock()) {
    std::lock_guard h(c);
    a.unlock();
  }
}

void scoped_lock_both_orders() {  // 8: none
  {
    std::scoped_lock both(a, b);
  }
  {
    std::scoped_lock both(b, a);
  }
  std::lock(a, b);
  a.unlock();
  b.unlock();
}

void recursive_then_other() {  // 9: report
  std::recursive_mutex r;
  {
    std::lock_guard x1(r);
    std::lock_guard x2(r);
    std::lock_guard x3(r);
    std::lock_guard inner(b);
  }
  std::lock_guard first(b);
  std::lock_guard second(r);
}

void recursive_alone() {  // 10: none
  std::recursive_mutex r;
  std::lock_guard x1(r);
  std::lock_guard x2(r);
  std::lock_guard x3(r);
}

void shared_then_exclusive() {  // 11: report
  std::shared_mutex s;
  {
    std::shared_lock read(s);
    std::lock_guard write(b);
  }
  std::lock_guard write(b);
  std::shared_lock read(s);
}

void read_read_cycle() {  // 11, read-read: none by default
  std::shared_mutex s1, s2;
  {
    std::shared_lock x(s1);
    std::shared_lock y(s2);
  }
  std::shared_lock y(s2);
  std::shared_lock x(s1);
}

void wait_while_holding_other() {  // 12: report
  std::mutex m, g;
  std::condition_variable cv;
  bool ready = false;
  std::thread notifier([&] {
    std::lock_guard held(m);
    ready = true;
    cv.notify_one();
  });
  {
    std::lock_guard gate(g);
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready; });
  }
  notifier.join();
  std::lock_guard first(m);
  std::lock_guard second(g);
}

void wait_alone() {  // 12, second half: none
  std::mutex m, other;
  std::condition_variable cv;
  bool ready = false;
  std::thread notifier([&] {
    std::lock_guard held(m);
    ready = true;
    cv.notify_one();
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready; });
  }
  notifier.join();
  std::lock_guard first(other);
  std::lock_guard second(m);
}

void gate_lock() {  // 13: none
  std::mutex gate;
  {
    std::lock_guard g(gate);
    take_a_then_b();
  }
  std::lock_guard g(gate);
  take_b_then_a();
}

void global_order_stress() {  // 14: none, and quick
  std::vector<std::mutex> locks(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&locks, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < 200000; ++i) {
        std::uint64_t subset = rng() | (std::uint64_t{rng()} << 32);
        std::vector<std::mutex*> held;
        for (std::size_t k = 0; k < locks.size() && held.size() < 3; ++k)
          if (subset >> k & 1) held.push_back(&locks[k]);
        for (auto* m : held) m->lock();
        for (auto it = held.rbegin(); it != held.rend(); ++it) (*it)->unlock();
      }
    });
  }
  for (auto& t : threads) t.join();
}

void thousand_held() {  // 15: none
  std::vector<std::mutex> locks(1000);
  for (auto& m : locks) m.lock();
  for (auto it = locks.rbegin(); it != locks.rend(); ++it) it->unlock();
}

void deadlock_ring(std::size_t n) {  // 16
  std::vector<std::mutex> locks(n);
  std::barrier all_hold(static_cast<std::ptrdiff_t>(n));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      pthread_setname_np(pthread_self(), ("worker" + std::to_string(i)).c_str());
      std::lock_guard mine(locks[i]);
      all_hold.arrive_and_wait();
      std::lock_guard next(locks[(i + 1) % n]);
    });
  }
  for (auto& t : threads) t.join();
}

[[gnu::noinline]] void lock_twice(std::mutex& m) {  // 17
  m.lock();
  m.lock();
}

void unlock_unheld() {  // 18
  std::mutex m;
  m.unlock();
}

void many_threads_contended() {  // stress: 32 threads, contended, one global order
  std::vector<std::mutex> locks(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t) {
    threads.emplace_back([&locks, t] {
      for (int i = 0; i < 5000; ++i) {
        std::size_t first = static_cast<std::size_t>(t + i) % 7;
        std::lock_guard x(locks[first]);
        std::lock_guard y(locks[first + 1]);
      }
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace

// W1 with the standard types: std::thread::join (pthread_join underneath) under the lock the
// worker waits for.
void thread_join_under_lock() {
  std::lock_guard held(a);
  std::thread worker([] { std::lock_guard mine(a); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  worker.join();
}

int main(int argc, char** argv) {
  const std::map<std::string, std::function<void()>> scenarios = {
      {"one_thread_inversion", one_thread_inversion},
      {"two_threads_sequenced", two_threads_sequenced},
      {"three_lock_cycle", three_lock_cycle},
      {"ring_of_100", ring_of_100},
      {"inversion_across_churn", inversion_across_churn},
      {"reused_address_is_a_new_lock", reused_address_is_a_new_lock},
      {"reused_stack_slot_is_a_new_lock", reused_stack_slot_is_a_new_lock},
      {"try_lock_adds_no_edge", try_lock_adds_no_edge},
      {"try_locked_lock_is_held", try_locked_lock_is_held},
      {"scoped_lock_both_orders", scoped_lock_both_orders},
      {"recursive_then_other", recursive_then_other},
      {"recursive_alone", recursive_alone},
      {"shared_then_exclusive", shared_then_exclusive},
      {"read_read_cycle", read_read_cycle},
      {"wait_while_holding_other", wait_while_holding_other},
      {"wait_alone", wait_alone},
      {"gate_lock", gate_lock},
      {"global_order_stress", global_order_stress},
      {"thousand_held", thousand_held},
      {"deadlock_two_threads", [] { deadlock_ring(2); }},
      {"deadlock_three_threads", [] { deadlock_ring(3); }},
      {"double_lock", [] { lock_twice(a); }},
      {"unlock_unheld", unlock_unheld},
      {"many_threads_contended", many_threads_contended},
      {"thread_join_under_lock", thread_join_under_lock},
  };
  auto it = argc == 2 ? scenarios.find(argv[1]) : scenarios.end();
  if (it == scenarios.end()) {
    std::fprintf(stderr, "usage: cxx_scenarios NAME; names:");
    for (const auto& [name, _] : scenarios) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  it->second();
  std::puts("finished");
  return 0;
}
