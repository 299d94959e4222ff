// The HTML page: self-contained, and every text from a report shown as text.
#include "lockorder/report/html_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace lockorder::report {
namespace {

Report hostile_report() {
  Report r;
  r.kind = kLockOrderInversion;
  r.summary = "potential deadlock: 2 locks in a cycle";
  Lock a, b;
  a.label = "<script>alert(1)</script>";
  b.label = "b&\"c'\x1b[31m";
  r.locks = {a, b};
  r.cycle = {0, 1};
  Edge ab;
  ab.from = 0;
  ab.to = 1;
  ab.thread = "T1 in <img src=x onerror=alert(2)> (pid 1)";
  ab.from_site = {{"f<T>", "a.cc", 3, 0, 0, ""}};
  Edge ba = ab;
  ba.from = 1;
  ba.to = 0;
  r.edges = {ab, ba};
  return r;
}

TEST(HtmlWriter, EveryTextFromAReportIsEscaped) {
  HtmlPage page;
  page.title = "t";
  page.reports = {hostile_report()};
  const std::string html = render_html(page);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("b&amp;&quot;c&#39;?[31m"), std::string::npos);
  EXPECT_NE(html.find("f&lt;T&gt; a.cc:3"), std::string::npos);
}

TEST(HtmlWriter, ThePageFetchesNothing) {
  HtmlPage page;
  page.title = "t";
  page.svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>x</text></svg>";
  Report plain = hostile_report();
  for (Edge& edge : plain.edges) edge.thread = "T1";
  page.reports = {plain};
  const std::string html = render_html(page);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find(page.svg), std::string::npos);  // the picture is inside the page
}

TEST(HtmlWriter, WithoutAPictureItSaysWhy) {
  HtmlPage page;
  page.title = "t";
  page.no_svg_reason = "Graphviz's dot is not installed";
  const std::string html = render_html(page);
  EXPECT_NE(html.find("Graphviz&#39;s dot is not installed"), std::string::npos);
  EXPECT_NE(html.find("No cycle."), std::string::npos);
}

}  // namespace
}  // namespace lockorder::report
