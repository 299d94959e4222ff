#include "lockorder/watchdog/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

namespace lockorder::watchdog {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  // unset_environment = 0: a restarted child (the supervisor's replacement) needs it too.
  if (active_ && sd_watchdog_enabled(0, &usec) > 0) interval_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::ready(const std::string& status) {
  send(status.empty() ? "READY=1" : "READY=1\nSTATUS=" + status);
}

void SystemdNotifier::status(const std::string& status) { send("STATUS=" + status); }

void SystemdNotifier::ping() { send("WATCHDOG=1"); }

void SystemdNotifier::send(const std::string& message) {
  if (active_) sd_notify(0, message.c_str());
}

}  // namespace lockorder::watchdog
