// SystemdNotifier: the sd_notify protocol through libsystemd, for a service of Type=notify.
//
// Contract: every call does nothing when the process was not started with NOTIFY_SOCKET (not
// under systemd, or a unit without notify access); errors from the socket are ignored, as a
// lost notification is one systemd's own timeouts cover. watchdog_interval() is WatchdogSec= as
// systemd passed it (WATCHDOG_USEC for this process), or zero when systemd does not watch.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <string>

namespace lockorder::watchdog {

class SystemdNotifier {
 public:
  SystemdNotifier();
  bool active() const { return active_; }
  std::chrono::microseconds watchdog_interval() const { return interval_; }

  void ready(const std::string& status);
  void status(const std::string& status);
  void ping();  // WATCHDOG=1

 private:
  void send(const std::string& message);
  bool active_ = false;
  std::chrono::microseconds interval_{0};
};

}  // namespace lockorder::watchdog
