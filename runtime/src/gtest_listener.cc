#include "lockorder/gtest.h"

#include "lockorder/options.h"
#include "lockorder/report/report.h"
#include "lockorder/report/text_writer.h"

namespace lockorder::gtest {
namespace {

// Turns each report into a failure of the test that is running when it appears.
class ReportListener : public ::testing::EmptyTestEventListener {
 public:
  ReportListener() {
    handle_ = add_report_observer([](const report::Report& r) {
      std::string cycle = report::cycle_text(r);
      ADD_FAILURE() << "lockorder reported " << r.kind << " (" << r.summary << ")"
                    << (cycle.empty() ? "" : ": " + cycle) << "\n"
                    << report::render_text(r);
    });
  }
  ~ReportListener() override { remove_report_observer(handle_); }

 private:
  int handle_;
};

}  // namespace

void install() { ::testing::UnitTest::GetInstance()->listeners().Append(new ReportListener); }

}  // namespace lockorder::gtest
