// Uses the installed watchdog: one heartbeat, watched for a moment.
#include <lockorder/watchdog/watchdog.h>

int main() {
  lockorder::watchdog::Watchdog watchdog;
  auto registration = watchdog.watch({.name = "consumer"}, std::chrono::seconds(1));
  registration.heartbeat().beat();
  return watchdog.healthy() ? 0 : 1;
}
