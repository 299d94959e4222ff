#include "lockorder/gtest.h"

#include "lockorder/options.h"
#include "lockorder/report/report.h"
#include "lockorder/report/text_writer.h"

#include <string>

namespace lockorder::gtest {
namespace {

// The test's own frame in the report (its body, where it took the lock), else nullptr.
const report::Frame* test_frame(const report::Report& r) {
  auto in_test = [](const report::Stack& stack) -> const report::Frame* {
    for (const report::Frame& frame : stack)
      if (frame.function.find("::TestBody()") != std::string::npos && !frame.file.empty())
        return &frame;
    return nullptr;
  };
  for (auto edge = r.edges.rbegin(); edge != r.edges.rend(); ++edge)
    if (const report::Frame* frame = in_test(edge->to_site)) return frame;
  for (auto site = r.sites.rbegin(); site != r.sites.rend(); ++site)
    if (const report::Frame* frame = in_test(site->stack)) return frame;
  return nullptr;
}

// Turns each report into a failure of the test that is running when it appears, located at the
// test's own line (where it took the lock, or else the test's definition). The report itself is
// printed once, on stderr, as every report is; the failure names it.
class ReportListener : public ::testing::EmptyTestEventListener {
 public:
  ReportListener() {
    handle_ = add_report_observer([](const report::Report& r) {
      const std::string cycle = report::cycle_text(r);
      const std::string message = "lockorder reported " + r.kind + " (" + r.summary + ")" +
                                  (cycle.empty() ? "" : ": " + cycle) +
                                  " (the whole report is printed above)";
      std::string file;
      int line = 0;
      if (const report::Frame* frame = test_frame(r)) {
        file = frame->file;
        line = frame->line;
      } else if (const ::testing::TestInfo* test =
                     ::testing::UnitTest::GetInstance()->current_test_info()) {
        file = test->file() != nullptr ? test->file() : "";
        line = test->line();
      }
      GTEST_MESSAGE_AT_(file.empty() ? nullptr : file.c_str(), line, message.c_str(),
                        ::testing::TestPartResult::kNonFatalFailure);
    });
  }
  ~ReportListener() override { remove_report_observer(handle_); }

 private:
  int handle_;
};

}  // namespace

void install() { ::testing::UnitTest::GetInstance()->listeners().Append(new ReportListener); }

}  // namespace lockorder::gtest
