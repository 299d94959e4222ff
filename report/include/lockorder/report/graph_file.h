// One process's lock-order graph as a file (`graph_dir=`), for lockorder-report to merge with
// the graphs of other processes.
//
// The file is JSON (docs/lockorder-report.md has the schema): the process that wrote it, its
// locks, each with an identity that means the same in every process (lock_identity), and its
// edges "held -> acquired", each with the modes it was seen in, its gates and the symbolized
// stacks of its two acquisitions. Nothing in it is an address: two runs of one program on two
// machines write the same locks and edges.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "lockorder/report/report.h"

namespace lockorder::report {

inline constexpr int kGraphFileVersion = 1;
// The name every graph file ends with; lockorder-report reads the files of a directory that do.
inline constexpr const char* kGraphFileSuffix = ".lockorder-graph.json";
inline constexpr const char* kOriginRuntime = "runtime";
inline constexpr const char* kOriginStatic = "static";

struct GraphFile {
  struct Process {
    std::string program;  // the executable's base name
    long pid = 0;
    std::string label;  // what the user called this run (graph_label=), or empty
    // kOriginRuntime: a process's graph. kOriginStatic: lockorder-check's graph of the source
    // (--graph=FILE), whose edges, one per acquisition path, say what the source can do.
    std::string origin = "runtime";
  };
  struct Lock {
    std::string id;  // lock_identity: equal ids are one lock across processes
    report::Lock lock;
  };
  struct Edge {
    std::size_t from = 0;  // index into locks: the lock held
    std::size_t to = 0;    // index into locks: the lock acquired
    // Each "held>acquired" pair of modes it was seen in ("exclusive>shared", ...).
    std::vector<std::string> modes;
    // Locks held exclusively around the held lock every time the edge was taken (indices).
    std::vector<std::size_t> gates;
    std::string thread;  // the thread that first took it, e.g. "T2 'worker'"
    // In a merged graph (lockorder-report --write-graph): the process that took it, as
    // process_name says it; empty: the file's own process.
    std::string process;
    Stack from_site;  // where `from` was acquired
    Stack to_site;    // where `to` was acquired while `from` was held
  };

  Process process;
  std::vector<Lock> locks;
  std::vector<Edge> edges;
};

// A lock's identity across processes, from what identifies it in every run: its class, else
// the name the program gave it, else the variable it is (a global's or a static's symbol), else
// the place it was created (file, line and function). A label the runtime made up ("M12", an
// address) identifies nothing: such a lock is kept apart ("unnamed:" and its label), and merges
// only with itself.
std::string lock_identity(const Lock& lock);

std::string render_graph_file(const GraphFile& graph);

class GraphFileError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Parses a graph file's text; throws GraphFileError saying what is wrong (not JSON, another
// format or version, a field missing or of the wrong type, an index out of range).
GraphFile parse_graph_file(const std::string& text);

}  // namespace lockorder::report
