// Renders a Report as text for people: the format of INTERFACES.md, shared by lockorder-run and
// the linked runtime. The first line is "WARNING: lockorder: KIND (SUMMARY)", the last
// "SUMMARY: lockorder: KIND ...". Pure function; thread-safe.
#pragma once

#include <string>

#include "lockorder/report/report.h"

namespace lockorder::report {

std::string render_text(const Report& report);
// One frame as "fn file:line" (or the module and pc when nothing better is known).
std::string render_frame(const Frame& frame);

}  // namespace lockorder::report
