// Renders reports as one self-contained HTML page (lockorder-report --html): a picture of the
// lock-order graph and, for each finding, its cycle and the stacks of every edge. Nothing is
// fetched from anywhere (no script, no style sheet, no font), so that the page opens offline
// as a CI artifact; every text from a report is escaped, so that a lock or function name shows
// as text and nothing else. Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "lockorder/report/report.h"

namespace lockorder::report {

struct HtmlPage {
  std::string title;
  std::vector<std::string> facts;  // lines under the title ("12 graph files, 40 locks, ...")
  std::string svg;                 // the graph as an <svg> element (Graphviz's), or empty
  std::string no_svg_reason;       // shown instead of the picture when svg is empty
  std::vector<Report> reports;
};

std::string render_html(const HtmlPage& page);

}  // namespace lockorder::report
