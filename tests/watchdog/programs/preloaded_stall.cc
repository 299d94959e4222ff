// A watched worker stuck on a plain std::mutex that main holds: run under lockorder-run, the
// watchdog explains the stall with the preload library's wait-for graph. Prints the incident.
// `preloaded_stall condition`: the worker waits instead on a condition variable that nobody
// signals, holding another mutex: a stall, waiting for a signal, not for a lock.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string_view>
#include <thread>

#include "lockorder/watchdog/watchdog.h"

int main(int argc, char** argv) {
  const bool condition = argc > 1 && std::string_view(argv[1]) == "condition";
  using namespace std::chrono_literals;
  namespace wd = lockorder::watchdog;
  std::mutex config;  // no lockorder type anywhere: only lockorder-run sees it
  std::mutex seen_mu;
  std::condition_variable seen_cv;
  bool seen = false;
  wd::WatchdogOptions options;
  options.period = 20ms;
  options.sink = [&](const wd::Incident& incident) {
    std::fputs(wd::to_text(incident).c_str(), stdout);
    std::fflush(stdout);
    std::lock_guard guard(seen_mu);
    seen = true;
    seen_cv.notify_all();
  };
  wd::Watchdog watchdog(options);
  std::unique_lock held(config, std::defer_lock);
  if (!condition) held.lock();
  std::mutex cache;
  std::condition_variable reloaded;
  bool go = false;  // under config
  std::thread worker([&] {
    auto registration = watchdog.watch({.name = "loader"}, 100ms);
    registration.heartbeat().begin_item();
    if (condition) {
      std::lock_guard hold(cache);
      std::unique_lock wait(config);
      reloaded.wait(wait, [&] { return go; });
    } else {
      std::lock_guard wait(config);
    }
    registration.heartbeat().set_idle(true);
  });
  {
    std::unique_lock lock(seen_mu);
    if (!seen_cv.wait_for(lock, 30s, [&] { return seen; })) return 1;
  }
  if (condition) {
    std::lock_guard guard(config);
    go = true;
    reloaded.notify_all();
  } else {
    held.unlock();
  }
  worker.join();
  return 0;
}
