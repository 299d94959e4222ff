// The public runtime API (lockorder/runtime.h): statistics, the lock-order graph as a picture,
// report observers, thread names.
#include "lockorder/runtime.h"

#include "lockorder/report/dot_writer.h"
#include "lockorder/report/sarif_writer.h"
#include "order/order_checker.h"
#include "reporting/reporter.h"
#include "threads/thread_state.h"

namespace lockorder {

runtime_stats stats() {
  runtime_stats s = internal::order_checker().stats();
  s.reports = internal::reporter().count();
  return s;
}

std::string lock_graph_dot() {
  report::GraphPicture picture = internal::order_checker().picture();
  internal::reporter().name_lock_variables(picture);
  return report::render_dot(picture);
}

std::string write_lock_graph_dot(const std::string& path) {
  return report::write_file_atomically(path, lock_graph_dot());
}

void reports_set_exit_status(bool on) { internal::reporter().set_exit_status_on_reports(on); }

void set_thread_name(const char* name) {
  if (internal::ThreadState* thread = internal::current_thread_state())
    thread->set_name(name ? name : "");
}

int add_report_observer(report_observer observer) {
  return internal::reporter().add_observer(std::move(observer));
}

void remove_report_observer(int handle) { internal::reporter().remove_observer(handle); }

}  // namespace lockorder
