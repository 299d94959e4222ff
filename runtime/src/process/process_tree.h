// ProcessTree: the processes of one `lockorder-run` run tell it what they found.
//
// lockorder-run makes a run directory (LOCKORDER_RUN_DIR), starts the program as its child
// (LOCKORDER_RUN_PID) and waits for it. Every process of the tree that loads the runtime notes
// there that it started, each report's summary line as it is made, and each program it is about
// to exec; the program, once started, notes itself again. When the program has exited,
// lockorder-run reads the notes: it lists every process's findings, names each exec'd program
// that never reported in (a setuid or statically linked program, which the preload cannot
// enter, so it ran unchecked), exits with the report status when any process reported, and
// removes the directory.
//
// Outside lockorder-run (no run directory) the notes are not written. A process writes its notes
// under the reporter's lock or at exit, each note whole (a rename), so lockorder-run never reads
// a half-written one.
#pragma once

#include <string>
#include <vector>

namespace lockorder::internal {

// What one process of the run notes.
class ProcessNotes {
 public:
  ProcessNotes();
  // Whether this process is the one lockorder-run started (its files keep their names).
  bool is_top() const { return is_top_; }
  // In a fork child: a process of its own, never the top.
  void became_child() {
    is_top_ = false;
    summaries_.clear();
  }
  void note_started();
  void note_report(const std::string& summary_line);
  // About to exec `program` (a path or a name looked up in PATH); note_started undoes it when
  // the exec fails.
  void note_exec(const std::string& program);

 private:
  // `exec`: the program being exec'd, empty once this process runs its own.
  void write(const std::string& exec) const;

  std::string dir_;
  bool is_top_ = true;
  std::vector<std::string> summaries_;
};

struct TreeFindings {
  struct Process {
    int pid = 0;
    std::string program;
    std::vector<std::string> summaries;  // its reports' SUMMARY lines
  };
  std::vector<Process> reported;   // processes that reported
  std::vector<Process> unchecked;  // exec'd a program that never reported in (program: it)
};

// The name of an output file (sarif=, dot=) as process `pid` writes it when it is not the run's
// top process: the process id before the extension (out.sarif -> out.1234.sarif), so that tools
// that pick files by extension (SARIF viewers, code-scanning uploads) still do.
std::string per_process_path(const std::string& configured, int pid);

// lockorder-run, once the program has exited: what the processes noted in `dir`.
TreeFindings collect_tree(const std::string& dir);
// Text for stderr: one line per process and finding; empty when there is nothing to say.
std::string describe_tree(const TreeFindings& findings);
void remove_run_directory(const std::string& dir);

}  // namespace lockorder::internal
