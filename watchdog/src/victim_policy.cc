#include "lockorder/watchdog/victim_policy.h"

#include <tuple>

namespace lockorder::watchdog {

std::optional<std::size_t> choose_victim(
    const std::vector<std::optional<VictimCandidate>>& members) {
  std::optional<std::size_t> victim;
  // Smaller is a better victim: lower priority, less work lost, younger.
  auto cost = [](const VictimCandidate& c) {
    return std::make_tuple(c.priority, c.item_age_ns, -c.started_ns);
  };
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto& member = members[i];
    if (!member || member->critical) continue;
    if (!victim || cost(*member) < cost(*members[*victim])) victim = i;
  }
  return victim;
}

}  // namespace lockorder::watchdog
