// lockorder-report: merges the lock-order graphs that processes wrote with graph_dir= and
// reports every cycle of the union once, naming the process and thread that took each edge.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lockorder/report/baseline.h"
#include "lockorder/report/dot_writer.h"
#include "lockorder/report/graph_file.h"
#include "lockorder/report/graph_merge.h"
#include "lockorder/report/html_writer.h"
#include "lockorder/report/sarif_writer.h"
#include "lockorder/report/text_writer.h"

namespace fs = std::filesystem;
namespace report = lockorder::report;

namespace {

constexpr int kNoFindings = 0, kFindings = 1, kFailed = 2;

constexpr const char* kHelp = R"(Usage: lockorder-report [OPTIONS] DIR-or-FILE...

Merges the lock-order graphs that processes wrote with graph_dir=DIR (LOCKORDER_OPTIONS, or
lockorder-run --graph-dir=DIR) and reports every cycle of the union once, naming the process
and the thread that took each of its edges: test A takes accounts then ledger, test B ledger
then accounts, each in a process of its own, and neither run alone saw the cycle.
A directory stands for its files whose names end in .lockorder-graph.json.

Options:
  --sarif=FILE          also write the findings as SARIF 2.1.0 to FILE (- : stdout, instead
                        of the text)
  --dot=FILE            write the merged lock-order graph as Graphviz DOT to FILE, the
                        cycles' locks and edges in red (dot -Tsvg FILE draws it)
  --html=FILE           write a self-contained HTML page to FILE: the graph drawn by
                        Graphviz (only the cycles' locks when it has over 500 edges) and
                        each cycle with its stacks; it needs nothing else to be viewed
  --write-graph=FILE    write the merged graph of the processes as one graph file, to merge
                        again with others (CI shards merged in a tree)
  --baseline=FILE       report only cycles not in this baseline; say which of its cycles are
                        gone (fixed)
  --write-baseline=FILE write every cycle found to FILE (exit 0 once written)
  --read-read-cycles    report cycles whose every edge is shared over shared as well
  --gated-cycles        report cycles that one lock held around all their edges serializes
  --allow-bad-files     a graph file that cannot be read (named on stderr) does not make the
                        run fail; the others are merged either way
  -h, --help            this text
  --version             the version

lockorder-check --graph=FILE writes the static checker's graph: given it too, every cycle is
labelled confirmed (found in the source and every edge taken at run time), static-only or
runtime-only, and each edge taken at run time in analysed code that the checker did not see is
a static-gap note.

Locks are one lock across processes when they have one identity: their class, else the name
the program gave them (or the global variable they are), else the place they were created
(docs/lockorder-report.md).

Exit status: 0 no cycle, 1 cycles found, 2 bad arguments, no graph to read, or a graph file
that could not be read (unless --allow-bad-files).
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "lockorder-report: %s\nTry 'lockorder-report --help'.\n", message.c_str());
  std::exit(kFailed);
}

struct Arguments {
  std::vector<std::string> inputs;
  std::string sarif;
  std::string dot;
  std::string html;
  std::string baseline;
  std::string write_baseline;
  std::string write_graph;
  report::CycleRules rules;
  bool allow_bad_files = false;
};

// "--sarif=FILE" and the like: the file named, into its field of `args`; false when `arg` is
// none of them.
bool parse_file_option(std::string_view arg, Arguments& args) {
  const std::pair<std::string_view, std::string Arguments::*> kFileOptions[] = {
      {"--sarif=", &Arguments::sarif},
      {"--dot=", &Arguments::dot},
      {"--html=", &Arguments::html},
      {"--baseline=", &Arguments::baseline},
      {"--write-baseline=", &Arguments::write_baseline},
      {"--write-graph=", &Arguments::write_graph},
  };
  for (const auto& [flag, field] : kFileOptions) {
    if (!arg.starts_with(flag)) continue;
    args.*field = arg.substr(flag.size());
    if ((args.*field).empty())
      usage_error(std::string(flag.substr(0, flag.size() - 1)) + " needs a file name");
    return true;
  }
  return false;
}

Arguments parse_arguments(int argc, char** argv) {
  Arguments args;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (options_done || !arg.starts_with("-") || arg == "-") {
      args.inputs.emplace_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      std::exit(0);
    } else if (arg == "--version") {
      std::printf("lockorder-report %s\n", LOCKORDER_VERSION);
      std::exit(0);
    } else if (arg == "--read-read-cycles") {
      args.rules.read_read_cycles = true;
    } else if (arg == "--gated-cycles") {
      args.rules.gated_cycles = true;
    } else if (arg == "--allow-bad-files") {
      args.allow_bad_files = true;
    } else if (!parse_file_option(arg, args)) {
      usage_error("unknown option '" + std::string(arg) + "'");
    }
  }
  if (args.inputs.empty()) usage_error("no graph files or directories given");
  return args;
}

// The graph files an argument stands for, sorted; an error message when it stands for none.
std::vector<std::string> graph_files(const std::string& input, std::string& error) {
  std::error_code ec;
  if (!fs::is_directory(input, ec)) {
    if (!fs::exists(input, ec)) error = "'" + input + "' does not exist";
    return error.empty() ? std::vector<std::string>{input} : std::vector<std::string>{};
  }
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(input, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(report::kGraphFileSuffix) && entry.is_regular_file(ec))
      files.push_back(entry.path().string());
  }
  if (ec) error = "cannot read directory '" + input + "': " + ec.message();
  std::sort(files.begin(), files.end());
  return files;
}

// The whole of a file, or nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<report::GraphFile> read_graph(const std::string& path, std::string& error) {
  const std::optional<std::string> text = read_file(path);
  if (!text) {
    error = "cannot read it";
    return std::nullopt;
  }
  try {
    return report::parse_graph_file(*text);
  } catch (const report::GraphFileError& e) {
    error = e.what();
    return std::nullopt;
  }
}

std::string current_directory() {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  return ec ? std::string() : cwd.string();
}

}  // namespace

// A graph drawn whole up to this many edges; above, only the cycles' locks and edges.
constexpr std::size_t kDrawnWhole = 500;

// Graphviz's SVG of `dot_text`, from the <svg> element on; empty with `error` set when dot
// cannot be run or fails.
std::string render_svg(const std::string& dot_text, std::string& error) {
  char dir_template[] = "/tmp/lockorder-report.XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    error = "cannot make a temporary directory";
    return {};
  }
  const std::string in = std::string(dir) + "/graph.dot", out = std::string(dir) + "/graph.svg";
  std::ofstream(in) << dot_text;
  const char* argv[] = {"dot", "-Tsvg", "-o", out.c_str(), in.c_str(), nullptr};
  pid_t pid = 0;
  int status = 0;
  std::string svg;
  if (posix_spawnp(&pid, "dot", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) {
    error = "Graphviz's dot is not installed (apt-get install graphviz): no picture";
  } else if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = "Graphviz's dot failed: no picture";
  } else {
    svg = read_file(out).value_or("");
    const std::size_t start = svg.find("<svg");
    svg = start == std::string::npos ? std::string() : svg.substr(start);
    if (svg.empty()) error = "Graphviz's dot wrote no SVG: no picture";
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return svg;
}

// The picture for the HTML page: the whole graph, or only its cycles when it is large.
report::GraphPicture page_picture(const report::MergedGraph& merged,
                                  const std::vector<report::MergedCycle>& cycles, bool& whole) {
  report::GraphPicture all = report::merged_picture(merged, cycles);
  whole = all.arcs.size() <= kDrawnWhole;
  if (whole) return all;
  report::GraphPicture part;
  std::vector<std::size_t> index(all.nodes.size(), SIZE_MAX);
  auto node = [&](std::size_t n) {
    if (index[n] == SIZE_MAX) {
      index[n] = part.nodes.size();
      part.nodes.push_back(all.nodes[n]);
    }
    return index[n];
  };
  for (const report::GraphPicture::Arc& arc : all.arcs)
    if (arc.in_cycle) part.arcs.push_back({node(arc.from), node(arc.to), true, false});
  return part;
}

// Writes `contents` to `path` or says why not.
bool write(const std::string& what, const std::string& path, const std::string& contents) {
  const std::string error = report::write_file_atomically(path, contents);
  if (error.empty()) return true;
  std::fprintf(stderr, "lockorder-report: %s: %s\n", what.c_str(), error.c_str());
  return false;
}

int main(int argc, char** argv) {
  const Arguments args = parse_arguments(argc, argv);
  report::Baseline baseline;
  if (!args.baseline.empty()) {
    try {
      baseline = report::read_baseline(args.baseline);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lockorder-report: %s\n", e.what());
      return kFailed;
    }
  }
  report::MergedGraph merged, statics;  // the processes' graphs; lockorder-check's
  std::size_t bad = 0, read = 0;
  for (const std::string& input : args.inputs) {
    std::string error;
    const std::vector<std::string> files = graph_files(input, error);
    if (!error.empty()) {
      std::fprintf(stderr, "lockorder-report: %s\n", error.c_str());
      ++bad;
    }
    for (const std::string& file : files) {
      std::optional<report::GraphFile> graph = read_graph(file, error);
      if (!graph) {
        std::fprintf(stderr, "lockorder-report: %s: %s\n", file.c_str(), error.c_str());
        ++bad;
        continue;
      }
      (graph->process.origin == report::kOriginStatic ? statics : merged).add(*graph);
      ++read;
    }
  }
  if (read == 0) {
    std::fprintf(stderr, "lockorder-report: no graph file could be read\n");
    return kFailed;
  }
  const std::vector<report::MergedCycle> cycles = report::merged_cycles(merged, args.rules);
  std::vector<report::Report> found;
  if (statics.graphs() > 0) {
    found = report::combine_static_and_runtime(merged, cycles, statics,
                                               report::merged_cycles(statics, args.rules));
  } else {
    for (const report::MergedCycle& cycle : cycles) found.push_back(cycle.report);
  }
  bool ok = true;
  if (!args.write_baseline.empty())
    ok = write("write-baseline", args.write_baseline,
               report::render_baseline("lockorder-report", found)) &&
         ok;
  if (!args.write_graph.empty())
    ok = write("write-graph", args.write_graph,
               report::render_graph_file(merged.as_graph_file(
                   "merge of " + std::to_string(merged.graphs()) + " graph files"))) &&
         ok;
  if (!args.dot.empty())
    ok = write("dot", args.dot,
               report::render_dot(report::merged_picture(merged, cycles),
                                  "lock-order graph of " + std::to_string(read) +
                                      " processes (held -> acquired)")) &&
         ok;
  auto [reported, known, fixed] = report::compare_with_baseline(std::move(found), baseline);
  const auto gaps = static_cast<std::size_t>(
      std::count_if(reported.begin(), reported.end(),
                    [](const report::Report& r) { return r.kind == report::kStaticGap; }));
  const std::size_t findings = reported.size() - gaps;
  const std::string facts = std::to_string(read) +
                            (read == 1 ? " graph file, " : " graph files, ") +
                            std::to_string(merged.locks().size()) + " locks, " +
                            std::to_string(merged.edges().size()) + " edges";
  if (!args.html.empty()) {
    report::HtmlPage page;
    page.title =
        "lockorder-report: " + std::to_string(findings) + (findings == 1 ? " cycle" : " cycles");
    page.facts.push_back(facts);
    bool whole = true;
    std::string error;
    page.svg = render_svg(report::render_dot(page_picture(merged, cycles, whole)), error);
    page.no_svg_reason = error;
    if (!whole)
      page.facts.push_back(
          "The picture shows the locks and edges of the cycles only (the graph "
          "has over " +
          std::to_string(kDrawnWhole) + " edges).");
    if (!error.empty()) std::fprintf(stderr, "lockorder-report: html: %s\n", error.c_str());
    page.reports = reported;
    ok = write("html", args.html, report::render_html(page)) && ok;
  }
  const bool sarif_to_stdout = args.sarif == "-";
  if (!sarif_to_stdout)
    for (const report::Report& cycle : reported)
      std::fputs(report::render_text(cycle).c_str(), stdout);
  if (!args.sarif.empty()) {
    const std::string sarif = report::render_sarif(
        {"lockorder-report", LOCKORDER_VERSION, current_directory(), LOCKORDER_DOCS_URI}, reported);
    if (sarif_to_stdout)
      std::fputs(sarif.c_str(), stdout);
    else
      ok = write("sarif", args.sarif, sarif) && ok;
  }
  for (const auto& [print, message] : fixed)
    std::fprintf(stderr, "lockorder-report: fixed (in the baseline, no longer found): %s\n",
                 (message.empty() ? print : message).c_str());
  std::string summary =
      facts + ": " + std::to_string(findings) + (findings == 1 ? " cycle" : " cycles");
  if (statics.graphs() > 0)
    summary += "; " + std::to_string(gaps) + " edge" + (gaps == 1 ? "" : "s") +
               " the static checker did not see";
  if (known != 0) summary += "; " + std::to_string(known) + " more in the baseline";
  if (!fixed.empty()) summary += "; " + std::to_string(fixed.size()) + " in the baseline fixed";
  if (bad != 0) summary += "; " + std::to_string(bad) + " input(s) not read";
  std::fprintf(stderr, "lockorder-report: %s\n", summary.c_str());
  if (!ok || (bad > 0 && !args.allow_bad_files)) return kFailed;
  if (!args.write_baseline.empty()) return kNoFindings;
  return findings == 0 ? kNoFindings : kFindings;
}
