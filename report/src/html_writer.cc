#include "lockorder/report/html_writer.h"

#include <sstream>

#include "lockorder/report/text_writer.h"

namespace lockorder::report {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters (a terminal's escape sequences in a hostile label) show as '?'.
        out += static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' ? '?' : c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; }
.facts { color: #555; }
.graph { overflow: auto; border: 1px solid #ddd; padding: 1em; margin: 1em 0; }
.finding { border-left: 4px solid #c00; padding: 0 1em; margin: 2em 0; }
.cycle { font-family: monospace; font-size: 1.1em; }
.edge { margin: 1em 0; }
ol.stack { font-family: monospace; font-size: 0.9em; margin: 0.3em 0; }
.note, .hint { color: #555; font-style: italic; }
)";

void render_stack(std::ostringstream& out, const std::string& title, const Stack& stack) {
  out << "<div>" << escape(title) << "</div>\n<ol class=\"stack\" start=\"0\">\n";
  for (const Frame& frame : stack) out << "<li>" << escape(render_frame(frame)) << "</li>\n";
  out << "</ol>\n";
}

void render_report(std::ostringstream& out, const Report& report, std::size_t number) {
  out << "<section class=\"finding\" id=\"finding-" << number << "\">\n<h2>" << number << ". "
      << escape(report.kind) << ": " << escape(report.summary) << "</h2>\n";
  if (!report.cycle.empty()) out << "<p class=\"cycle\">" << escape(cycle_text(report)) << "</p>\n";
  for (std::size_t i = 0; i < report.edges.size(); ++i) {
    const Edge& edge = report.edges[i];
    out << "<div class=\"edge\">\n<h3>Edge " << i + 1 << " of " << report.edges.size() << ": "
        << escape(edge_heading(report, edge)) << "</h3>\n";
    if (!edge.thread.empty()) out << "<div>by thread " << escape(edge.thread) << "</div>\n";
    render_stack(out, edge_end_heading(report, edge, true) + " at:", edge.from_site);
    render_stack(out, edge_end_heading(report, edge, false) + " at:", edge.to_site);
    if (!edge.note.empty()) out << "<div class=\"note\">" << escape(edge.note) << "</div>\n";
    out << "</div>\n";
  }
  if (!report.hint.empty()) out << "<p class=\"hint\">" << escape(report.hint) << "</p>\n";
  out << "</section>\n";
}

}  // namespace

std::string render_html(const HtmlPage& page) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
      << escape(page.title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>"
      << escape(page.title) << "</h1>\n";
  for (const std::string& fact : page.facts)
    out << "<p class=\"facts\">" << escape(fact) << "</p>\n";
  out << "<div class=\"graph\" id=\"graph\">\n";
  if (!page.svg.empty())
    out << page.svg << "\n";  // Graphviz's own SVG, which escapes its labels
  else
    out << "<p class=\"note\">" << escape(page.no_svg_reason) << "</p>\n";
  out << "</div>\n";
  if (page.reports.empty()) out << "<p id=\"no-findings\">No cycle.</p>\n";
  for (std::size_t i = 0; i < page.reports.size(); ++i) render_report(out, page.reports[i], i + 1);
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace lockorder::report
