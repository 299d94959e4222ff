// Reporter: turns RawReports into reports and delivers them: text to stderr (or log_path),
// SARIF to the `sarif` file, observers, then the configured action. Also owns the process's
// exit status: a process that reported exits with `exitcode`, as ThreadSanitizer's does.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "lockorder/options.h"
#include "lockorder/report/report.h"
#include "process/internal_locks.h"
#include "process/process_tree.h"
#include "reporting/raw_report.h"
#include "reporting/symbolizer.h"

namespace lockorder::internal {

class Reporter {
 public:
  Reporter();
  // Symbolizes and delivers. Then: on_report=abort aborts; on_report=throw throws
  // lock_order_error if `may_throw` (a lock operation), else only reports.
  void emit(const RawReport& raw, bool may_throw);
  // For an acquisition that can only hang: apply on_deadlock (exit, abort, or return to wait).
  void on_certain_deadlock();
  std::size_t count();
  // See lockorder::reports_set_exit_status.
  void set_exit_status_on_reports(bool on);

  int add_observer(report_observer observer);
  void remove_observer(int handle);

  // Names the shadowed locks of a picture by their variables, as reports do.
  void name_lock_variables(report::GraphPicture& picture);
  // An exec is about to replace the program (see ProcessNotes), or failed to.
  void note_exec(const char* program);
  void note_exec_failed();

  // Writes the DOT file and the graph file if asked, and sets the exit status. Runs at exit.
  void finish();

  // fork(): held across it. The child starts with no reports of its own and writes its files
  // with its process id before the extension (out.1234.sarif), so that parent and child never
  // overwrite each other's.
  // Two locks, far apart in the runtime's order (process/internal_locks.h): the symbolizer's
  // comes first of all, the output's after the graphs'.
  void lock_symbolizer_for_fork() { symbolizer_mu_.lock(); }
  void lock_output_for_fork() { mu_.lock(); }
  void unlock_output_after_fork(bool in_child);
  void unlock_symbolizer_after_fork() { symbolizer_mu_.unlock(); }

 private:
  report::Report symbolize(const RawReport& raw);
  // The symbolizer of earlier reports, or a fresh one when some pc of `raw` lies outside the
  // modules it knows (a library loaded since). Reading debug information is the slow part of a
  // report: a program whose deadlocks a watchdog breaks reports the same stacks again and again.
  Symbolizer& symbolizer_for(const RawReport& raw);
  void write_text(const std::string& text, const options& opts);
  // This process's graph file in opts.graph_dir (one name per process, rewritten each time).
  void write_graph_file(const options& opts);
  // A lock's identity from the first `depth` frames of its creation stack outside the C and C++
  // libraries, or empty when it has none.
  std::string creation_identity(std::uint32_t created_stack, int depth);
  std::string file_path(const std::string& configured) const;
  void write_sarif(const options& opts);  // all reports so far; mu_ held

  OrderedMutex<std::mutex, InternalLock::symbolizer>
      symbolizer_mu_;  // guards symbolizer_; never held with mu_
  std::unique_ptr<Symbolizer> symbolizer_;
  OrderedMutex<std::mutex, InternalLock::report_output>
      mu_;  // serializes output so that concurrent reports never interleave
  std::vector<report::Report> sarif_reports_;
  std::vector<std::pair<int, report_observer>> observers_;
  int next_observer_ = 1;
  std::size_t count_ = 0;
  std::size_t counted_for_exit_ = 0;  // reports that set the exit status
  int exit_status_off_ = 0;           // nested reports_set_exit_status(false) calls
  bool own_files_ = false;            // a forked or exec'd child: file names get the process id
  ProcessNotes notes_;                // guarded by mu_
  std::string graph_file_name_;       // guarded by mu_; made for graph_file_pid_
  long graph_file_pid_ = 0;
};

Reporter& reporter();

}  // namespace lockorder::internal
