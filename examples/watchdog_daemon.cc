// A daemon that deadlocks on purpose and keeps serving: supervised workers take requests from a
// work queue that loses nothing; lockorder's watchdog breaks each lock cycle by choosing a
// victim (its request is retried), replaces a worker that hangs, and tells systemd when the
// workers are healthy. At the end it checks that every request was served exactly once.
//
//   watchdog_daemon [--requests=N] [--workers=N]    serve N requests, then exit 0 if all served
//   watchdog_daemon --wedge                          wedge every worker for good: the
//                                                    supervisor escalates (exit status 70), for
//                                                    lockorder-supervise or systemd to restart
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <latch>
#include <map>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "lockorder/mutex.h"
#include "lockorder/options.h"
#include "lockorder/watchdog/supervisor.h"
#include "lockorder/watchdog/work_queue.h"

namespace {

using namespace std::chrono_literals;
namespace wd = lockorder::watchdog;

struct Settings {
  int requests = 3000;
  int workers = 4;
  bool wedge = false;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--requests=", 0) == 0) {
      s.requests = std::atoi(arg.c_str() + 11);
    } else if (arg.rfind("--workers=", 0) == 0) {
      s.workers = std::atoi(arg.c_str() + 10);
    } else if (arg == "--wedge") {
      s.wedge = true;
    } else {
      std::fprintf(stderr, "usage: watchdog_daemon [--requests=N] [--workers=N] [--wedge]\n");
      std::exit(arg == "--help" ? 0 : 2);
    }
  }
  if (s.requests < 1 || s.workers < 2) {
    std::fprintf(stderr, "watchdog_daemon: need at least 1 request and 2 workers\n");
    std::exit(2);
  }
  return s;
}

// Two requests that are meant to run at the same moment meet twice. First, holding no lock:
// the partner may still be queued behind requests that need the lock this one would hold, and
// waiting for it is not a stall, so the wait keeps beating. Then, each holding its first lock,
// briefly: if a third request got in between, the two go on and whatever cycle forms, forms.
class Meeting {
 public:
  void wait_for_partner(wd::Heartbeat& heartbeat) { step(0, 2s, &heartbeat); }
  void wait_until_both_hold_their_first_lock() { step(1, 50ms, nullptr); }

 private:
  void step(int which, std::chrono::milliseconds limit, wd::Heartbeat* heartbeat) {
    std::unique_lock guard(mu_);
    ++arrived_[which];
    changed_.notify_all();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (arrived_[which] < 2 && std::chrono::steady_clock::now() < deadline) {
      changed_.wait_for(guard, 5ms);
      if (heartbeat != nullptr) heartbeat->beat();
    }
  }

  std::mutex mu_;
  std::condition_variable changed_;
  int arrived_[2] = {0, 0};
};

// The shared state a request touches: accounts, each behind its own lock.
struct Ledger {
  lockorder::mutex orders{"orders"};
  lockorder::mutex inventory{"inventory"};
  long orders_total = 0;
  long inventory_total = 0;

  // The bug: an order takes orders then inventory; a rush restock (a pair of requests in every
  // thousand meets an order) takes them the other way round, and the two deadlock. Ordinary
  // restocks take them in the agreed order.
  void order(Meeting* meeting) {
    std::lock_guard first(orders);
    if (meeting != nullptr) meeting->wait_until_both_hold_their_first_lock();
    std::lock_guard second(inventory);
    ++orders_total;
  }
  void restock(Meeting* rush) {
    if (rush == nullptr) {
      std::scoped_lock both(orders, inventory);
      ++inventory_total;
      return;
    }
    std::lock_guard first(inventory);
    rush->wait_until_both_hold_their_first_lock();
    std::lock_guard second(orders);
    ++inventory_total;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse(argc, argv);
  // Reports are expected here and handled: keep the daemon's own exit status.
  lockorder::options runtime = lockorder::get_options();
  runtime.exitcode = 0;
  lockorder::set_options(runtime);

  Ledger ledger;
  wd::WorkQueue<int> queue(3);
  std::mutex served_mu;
  std::map<std::string, int> served;  // request key -> times its result was committed
  std::latch hang_released(1);
  lockorder::mutex wedge_lock("wedge");
  std::unique_lock wedged(wedge_lock, std::defer_lock);
  if (settings.wedge) wedged.lock();  // held for good: every worker will block on it

  wd::WatchdogOptions watch;
  watch.period = 20ms;
  wd::Watchdog watchdog(watch);
  wd::SupervisorOptions supervise;
  supervise.cancel_grace = 100ms;
  supervise.max_abandoned = 2;
  supervise.backoff_initial = 5ms;
  wd::Supervisor supervisor(watchdog, supervise);

  std::vector<std::atomic<int>> tries(static_cast<std::size_t>(settings.requests));
  std::vector<Meeting> meetings(static_cast<std::size_t>(settings.requests / 1000 + 1));
  auto handle = [&](const int& request, wd::WorkerContext& context) {
    const bool first_try = ++tries[static_cast<std::size_t>(request)] == 1;
    if (settings.wedge) std::lock_guard stuck(wedge_lock);
    if (first_try && request == 1250) hang_released.wait();  // a hang: the worker is replaced
    const bool meets = first_try && request % 1000 >= 500 && request % 1000 <= 501 &&
                       request / 1000 * 1000 + 501 < settings.requests;
    Meeting* meeting = meets ? &meetings[static_cast<std::size_t>(request / 1000)] : nullptr;
    if (meeting != nullptr) meeting->wait_for_partner(context.heartbeat);
    if (request % 2 == 0)
      ledger.order(meeting);
    else
      ledger.restock(meeting);
    context.heartbeat.beat();
  };
  for (int n = 0; n < settings.workers; ++n) {
    wd::WorkerSpec spec;
    spec.info = {.name = "worker" + std::to_string(n), .priority = n};
    // Generous: a worker may wait on a lock while its holder prints the process's first report
    // (reading debug information), which on a loaded machine can take most of a second.
    spec.deadline = 2s;
    spec.run = [&](wd::WorkerContext& context) {
      wd::serve(queue, context, handle, [&](const std::string& key) {
        std::lock_guard guard(served_mu);
        ++served[key];
      });
    };
    spec.release = [&](std::uint64_t owner) { queue.release_owner(owner, "worker replaced"); };
    supervisor.add(std::move(spec));
  }
  watchdog.notify_ready("serving");
  for (int i = 0; i < settings.requests; ++i) queue.push("request-" + std::to_string(i), i);

  const bool drained = queue.wait_drained(120s);
  queue.close();
  hang_released.count_down();
  supervisor.stop();
  int twice = 0;
  for (const auto& [key, count] : served) twice += count > 1;
  const wd::Counters counters = watchdog.counters();
  const wd::SupervisorStats stats = supervisor.stats();
  const std::size_t lost =
      static_cast<std::size_t>(settings.requests) - served.size() - queue.dead_letters().size();
  std::printf(
      "watchdog_daemon: served %zu of %d requests (%zu lost, %d twice, %zu dead letters); "
      "deadlocks broken: %llu; workers replaced: %llu; restarts: %llu\n",
      served.size(), settings.requests, lost, twice, queue.dead_letters().size(),
      static_cast<unsigned long long>(counters.deadlocks_broken),
      static_cast<unsigned long long>(stats.replacements),
      static_cast<unsigned long long>(stats.restarts));
  std::printf("%s\n", wd::to_json_line(counters).c_str());
  return drained && lost == 0 && twice == 0 ? 0 : 1;
}
