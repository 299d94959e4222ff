#include "lockorder/report/report.h"

namespace lockorder::report {

std::string cycle_text(const Report& report) {
  std::string text;
  for (std::size_t index : report.cycle) text += report.locks[index].label + " -> ";
  if (!report.cycle.empty()) text += report.locks[report.cycle.front()].label;
  return text;
}

}  // namespace lockorder::report
