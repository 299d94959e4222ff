// systemd integration: READY=1 and STATUS= on request, WATCHDOG=1 while every worker is healthy
// and never while one is stalled. A datagram socket stands in for systemd's notify socket.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "incident_log.h"
#include "lockorder/watchdog/systemd_notifier.h"
#include "lockorder/watchdog/watchdog.h"

namespace lockorder::watchdog {
namespace {

using namespace std::chrono_literals;

// A notify socket in a fresh directory, and the environment systemd would set.
class FakeSystemd {
 public:
  FakeSystemd() {
    char dir[] = "/tmp/lockorder-notify-XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/notify";
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval timeout{0, 20'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
    setenv("WATCHDOG_USEC", "1000000", 1);
    setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  }
  ~FakeSystemd() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    close(fd_);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  // Every message received within `window`.
  std::vector<std::string> receive(std::chrono::milliseconds window) {
    std::vector<std::string> out;
    const auto until = std::chrono::steady_clock::now() + window;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < until) {
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) out.emplace_back(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  std::string dir_, path_;
  int fd_ = -1;
};

int count(const std::vector<std::string>& messages, const std::string& text) {
  int n = 0;
  for (const std::string& m : messages) n += m == text;
  return n;
}

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
  EXPECT_EQ(notifier.watchdog_interval(), 1s);
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
    auto registration = watchdog.watch({.name = "handler"}, 30ms);
    registration.heartbeat().begin_item();
    bool was_stalled = false;
    while (!done) {
      if (was_stalled && !stall) registration.heartbeat().begin_item();  // a fresh item
      was_stalled = stall;
      if (!stall) registration.heartbeat().beat();
      std::this_thread::sleep_for(1ms);
    }
  });
  std::vector<std::string> healthy = systemd.receive(150ms);
  EXPECT_EQ(count(healthy, "READY=1\nSTATUS=serving"), 1);
  EXPECT_EQ(count(healthy, "STATUS=workers healthy"), 1);
  EXPECT_GE(count(healthy, "WATCHDOG=1"), 3);

  stall = true;
  ASSERT_TRUE(log.wait_for(IncidentKind::stalled));
  systemd.receive(20ms);  // a ping already in flight
  std::vector<std::string> stalled = systemd.receive(150ms);
  EXPECT_EQ(count(stalled, "WATCHDOG=1"), 0);

  stall = false;
  std::vector<std::string> healed = systemd.receive(150ms);
  EXPECT_EQ(count(healed, "STATUS=workers healthy"), 1) << ::testing::PrintToString(healed);
  EXPECT_GE(count(healed, "WATCHDOG=1"), 3);
  done = true;
  worker.join();
}

}  // namespace
}  // namespace lockorder::watchdog
