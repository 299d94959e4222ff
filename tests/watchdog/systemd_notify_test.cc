// systemd integration: READY=1 and STATUS= on request, WATCHDOG=1 while every worker is healthy
// and never while one is stalled. A datagram socket stands in for systemd's notify socket.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "incident_log.h"
#include "lockorder/watchdog/systemd_notifier.h"
#include "lockorder/watchdog/watchdog.h"

namespace lockorder::watchdog {
namespace {

using namespace std::chrono_literals;

// A notify socket in a fresh directory, the environment systemd would set, and a reader that
// keeps every message with the time it arrived (as systemd reads promptly).
class FakeSystemd {
 public:
  using Clock = std::chrono::steady_clock;
  struct Message {
    Clock::time_point at;
    std::string text;
  };

  FakeSystemd() {
    char dir[] = "/tmp/lockorder-notify-XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/notify";
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval timeout{0, 10'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
    setenv("WATCHDOG_USEC", "100000", 1);
    setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
    reader_ = std::thread([this] {
      char buffer[4096];
      while (!stop_) {
        ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) continue;
        std::lock_guard guard(mu_);
        messages_.push_back({Clock::now(), std::string(buffer, static_cast<std::size_t>(n))});
      }
    });
  }
  ~FakeSystemd() {
    stop_ = true;
    reader_.join();
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    close(fd_);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  // How many messages equal to `text` arrived in [from, to).
  int count(const std::string& text, Clock::time_point from,
            Clock::time_point to = Clock::time_point::max()) {
    std::lock_guard guard(mu_);
    int n = 0;
    for (const Message& m : messages_) n += m.text == text && m.at >= from && m.at < to;
    return n;
  }
  // Waits (within a generous bound) until `count(text, from)` reaches `n`.
  bool wait_for(const std::string& text, int n, Clock::time_point from) {
    for (int i = 0; i < 30000; ++i) {
      if (count(text, from) >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }

 private:
  std::string dir_, path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Message> messages_;
  std::thread reader_;
};

TEST(SystemdNotify, NothingHappensOutsideSystemd) {
  unsetenv("NOTIFY_SOCKET");
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.active());
  EXPECT_EQ(notifier.watchdog_interval().count(), 0);
  notifier.ping();  // harmless
}

TEST(SystemdNotify, ReadsTheWatchdogInterval) {
  FakeSystemd systemd;
  SystemdNotifier notifier;
  EXPECT_TRUE(notifier.active());
  EXPECT_EQ(notifier.watchdog_interval(), 100ms);
}

TEST(SystemdNotify, PingsOnlyWhileEveryWorkerIsHealthy) {
  FakeSystemd systemd;
  testing::IncidentLog log;
  WatchdogOptions options;
  options.period = 10ms;
  options.sink = log.sink();
  Watchdog watchdog(options);
  watchdog.notify_ready("serving");
  std::atomic<bool> stall{false}, done{false};
  std::thread worker([&] {
    auto registration = watchdog.watch({.name = "handler"}, 60ms);
    registration.heartbeat().begin_item();
    bool was_stalled = false;
    while (!done) {
      if (was_stalled && !stall) registration.heartbeat().begin_item();  // a fresh item
      was_stalled = stall;
      if (!stall) registration.heartbeat().beat();
      std::this_thread::sleep_for(1ms);
    }
  });
  const auto begin = FakeSystemd::Clock::time_point::min();
  ASSERT_TRUE(systemd.wait_for("WATCHDOG=1", 3, begin));
  EXPECT_EQ(systemd.count("READY=1\nSTATUS=serving", begin), 1);
  EXPECT_EQ(systemd.count("STATUS=workers healthy", begin), 1);

  stall = true;
  ASSERT_TRUE(log.wait_for(IncidentKind::stalled));
  const auto stalled_from = FakeSystemd::Clock::now() + 20ms;  // a ping already in flight
  std::this_thread::sleep_for(250ms);
  const auto stalled_to = FakeSystemd::Clock::now();
  EXPECT_EQ(systemd.count("WATCHDOG=1", stalled_from, stalled_to), 0);
  EXPECT_EQ(systemd.count("STATUS=stalled: handler", begin), 1);

  stall = false;
  EXPECT_TRUE(systemd.wait_for("STATUS=workers healthy", 1, stalled_to));
  EXPECT_TRUE(systemd.wait_for("WATCHDOG=1", 3, stalled_to));
  done = true;
  worker.join();
}

}  // namespace
}  // namespace lockorder::watchdog
