#include "reporting/reporter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "entry/entry_points.h"
#include "lockorder/report/graph_file.h"
#include "lockorder/report/sarif_writer.h"
#include "lockorder/report/text_writer.h"
#include "lockorder/runtime.h"
#include "order/order_checker.h"
#include "process/settings.h"
#include "reporting/symbolizer.h"

namespace lockorder::internal {
namespace {

report::Stack site_stack(Symbolizer& symbolizer, const RawSite& site, std::string& note) {
  if (site.outer_pc == 0) return symbolizer.symbolize(site.stack.pcs);
  return symbolizer.symbolize(derive_outer_stack(symbolizer, site, note));
}

// Replaces each whole occurrence of `from` (a lock's label) in `text` by `to`, unless it is
// already followed by the rest of `to` (named before).
void rename_label(std::string& text, const std::string& from, const std::string& to) {
  if (from == to || from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
    const std::size_t end = at + from.size();
    if (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) continue;
    if (text.compare(at, to.size(), to) == 0) continue;
    text.replace(at, from.size(), to);
    at += to.size() - 1;
  }
}

// A lock with no variable and no creation site of its own (a heap mutex under lockorder-run):
// named by the function that initialized it ("mutex 0x55d0... (created in buffer_new)"), and its
// creation site is where.
void name_by_creation(Symbolizer& symbolizer, const RawStack& created, report::Lock& lock) {
  const report::Stack frames = symbolizer.symbolize(created.pcs);
  if (frames.empty() || frames.front().function.empty()) return;
  lock.created = frames.front();
  if (lock.label.find(" (") == std::string::npos)
    lock.label += " (created in " + frames.front().function + ")";
}

// A lock the preload library shadows is labelled "mutex 0x55d0...": the variable that holds it
// when it is a global or static one, else empty.
std::string lock_variable(Symbolizer& symbolizer, const std::string& label) {
  const std::size_t hex = label.find(" 0x");
  if (hex == std::string::npos || label.find(" (") != std::string::npos) return {};
  return symbolizer.data_symbol(std::strtoull(label.c_str() + hex + 3, nullptr, 16));
}

// ... named in its label: "mutex 0x55d0... (accounts_mu)".
void name_lock_variable(Symbolizer& symbolizer, std::string& label) {
  if (std::string variable = lock_variable(symbolizer, label); !variable.empty())
    label += " (" + variable + ")";
}

}  // namespace

Reporter& reporter() {
  static Reporter* r = new Reporter;  // never destroyed: other threads may report during exit
  return *r;
}

Reporter::Reporter() {
  // lockorder-run names the process it started; a program that process runs in turn writes
  // files of its own.
  own_files_ = !notes_.is_top();
  notes_.note_started();
  register_fork_handlers();
  std::atexit([] { reporter().finish(); });
}

std::string Reporter::file_path(const std::string& configured) const {
  return own_files_ ? per_process_path(configured, getpid()) : configured;
}

void Reporter::unlock_output_after_fork(bool in_child) {
  if (in_child) {
    count_ = 0;
    counted_for_exit_ = 0;
    sarif_reports_.clear();
    own_files_ = true;
    notes_.became_child();
    notes_.note_started();
  }
  mu_.unlock();
}

Symbolizer& Reporter::symbolizer_for(const RawReport& raw) {
  auto known = [this](const RawStack& stack) {
    return std::all_of(stack.pcs.begin(), stack.pcs.end(),
                       [this](std::uintptr_t pc) { return symbolizer_->covers(pc); });
  };
  auto site_known = [&](const RawSite& site) {
    return known(site.stack) && known(site.site_stack) &&
           (site.outer_pc == 0 || symbolizer_->covers(site.outer_pc)) &&
           (site.outer_caller == 0 || symbolizer_->covers(site.outer_caller));
  };
  bool fresh_enough = symbolizer_ != nullptr;
  for (const RawEdge& edge : raw.edges)
    fresh_enough = fresh_enough && site_known(edge.from_site) && site_known(edge.to_site);
  for (const RawNamedSite& site : raw.sites) fresh_enough = fresh_enough && site_known(site.site);
  if (!fresh_enough) symbolizer_ = std::make_unique<Symbolizer>();
  return *symbolizer_;
}

report::Report Reporter::symbolize(const RawReport& raw) {
  std::lock_guard guard(symbolizer_mu_);
  Symbolizer& symbolizer = symbolizer_for(raw);
  report::Report out;
  out.kind = raw.kind;
  out.summary = raw.summary;
  out.cycle = raw.cycle;
  out.hint = raw.hint;
  for (const RawLock& lock : raw.locks) {
    report::Lock l;
    l.label = lock.label;
    l.lock_class = lock.lock_class;
    l.kind = lock.kind;
    l.rank = lock.rank;
    if (lock.file != nullptr) l.created.file = lock.file;
    if (lock.function != nullptr) l.created.function = lock.function;
    l.created.line = static_cast<int>(lock.line);
    if (l.created.file.empty()) {
      l.variable = lock_variable(symbolizer, l.label);
      if (!l.variable.empty()) l.label += " (" + l.variable + ")";
    }
    if (l.created.file.empty() && lock.created_stack != LockMeta::kNoCreationStack)
      name_by_creation(symbolizer, order_checker().stack(lock.created_stack), l);
    out.locks.push_back(std::move(l));
  }
  // The summary and the sites' titles say the locks' raw labels: name them as the lock list does.
  for (std::size_t i = 0; i < raw.locks.size(); ++i) {
    if (raw.locks[i].label == out.locks[i].label) continue;
    rename_label(out.summary, raw.locks[i].label, out.locks[i].label);
  }
  for (const RawEdge& edge : raw.edges) {
    report::Edge e;
    e.from = edge.from;
    e.to = edge.to;
    e.thread = edge.thread;
    e.from_mode = edge.from_mode;
    e.to_mode = edge.to_mode;
    e.from_site = site_stack(symbolizer, edge.from_site, e.note);
    e.to_site = site_stack(symbolizer, edge.to_site, e.note);
    out.edges.push_back(std::move(e));
  }
  for (const RawNamedSite& site : raw.sites) {
    report::Site s;
    s.title = site.title;
    s.subject = site.subject;
    s.thread = site.thread;
    s.stack = site_stack(symbolizer, site.site, s.note);
    for (std::size_t i = 0; i < raw.locks.size(); ++i) {
      rename_label(s.title, raw.locks[i].label, out.locks[i].label);
      rename_label(s.subject, raw.locks[i].label, out.locks[i].label);
    }
    out.sites.push_back(std::move(s));
  }
  return out;
}

namespace {

// Eight hex digits from the kernel's random source (zeros if it cannot be read).
std::string random_hex() {
  std::uint32_t value = 0;
  if (int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC); fd >= 0) {
    if (::read(fd, &value, sizeof value) != sizeof value) value = 0;
    ::close(fd);
  }
  char text[9];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

// The text report's last "SUMMARY: ..." line.
std::string summary_line(const std::string& text) {
  const std::size_t at = text.rfind("SUMMARY: ");
  if (at == std::string::npos) return {};
  const std::size_t end = text.find('\n', at);
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// The directory the program runs in: SARIF names the files under it relative to it.
std::string current_directory() {
  char path[4096];
  return getcwd(path, sizeof path) != nullptr ? path : "";
}

// log_path, opened to append: never through a symbolic link, and only a regular file (a FIFO or
// device placed there would block or swallow the reports). nullptr, with the reason, otherwise.
FILE* open_log(const std::string& path, std::string& error) {
  const int fd = ::open(path.c_str(),
                        O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0) {
    error = errno == ELOOP ? "it is a symbolic link" : std::strerror(errno);
    return nullptr;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = "it is not a regular file";
    return nullptr;
  }
  FILE* out = fdopen(fd, "a");
  if (out == nullptr) {
    error = std::strerror(errno);
    ::close(fd);
  }
  return out;
}

}  // namespace

void Reporter::name_lock_variables(report::GraphPicture& picture) {
  std::lock_guard guard(symbolizer_mu_);
  Symbolizer& symbolizer = symbolizer_for(RawReport{});
  for (report::GraphPicture::Node& node : picture.nodes)
    if (node.label.find('\n') == std::string::npos) name_lock_variable(symbolizer, node.label);
}

void Reporter::write_text(const std::string& text, const options& opts) {
  FILE* out = stderr;
  if (!opts.log_path.empty()) {
    std::string error;
    out = open_log(opts.log_path, error);
    if (out == nullptr) {
      std::fprintf(stderr, "lockorder: cannot write log_path '%s' (%s); reporting to stderr\n",
                   opts.log_path.c_str(), error.c_str());
      out = stderr;
    }
  }
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  if (out != stderr) std::fclose(out);
}

void Reporter::write_graph_file(const options& opts) {
  OrderChecker::RawGraph raw = order_checker().whole_graph();
  report::Report symbolized = symbolize(raw.report);
  report::GraphFile graph;
  graph.process.program = program_invocation_short_name;
  graph.process.pid = getpid();
  graph.process.label = opts.graph_label;
  for (std::size_t i = 0; i < symbolized.locks.size(); ++i) {
    report::Lock& lock = symbolized.locks[i];
    std::string id = report::lock_identity(lock);
    // Known by where it was created, from a stack (lockorder-run's locks): by the program's
    // frames of it, not by the C library's (every std::mutex is first taken in one of those).
    if (const std::uint32_t created = raw.report.locks[i].created_stack;
        created != LockMeta::kNoCreationStack &&
        (id.starts_with("site:") || id.starts_with("unnamed:")))
      if (std::string deeper = creation_identity(created, opts.graph_site_depth); !deeper.empty())
        id = std::move(deeper);
    graph.locks.push_back({std::move(id), std::move(lock)});
  }
  for (std::size_t i = 0; i < symbolized.edges.size(); ++i) {
    report::Edge& e = symbolized.edges[i];
    report::GraphFile::Edge edge;
    edge.from = e.from;
    edge.to = e.to;
    edge.modes = std::move(raw.modes[i]);
    edge.gates = std::move(raw.gates[i]);
    edge.thread = std::move(e.thread);
    edge.from_site = std::move(e.from_site);
    edge.to_site = std::move(e.to_site);
    graph.edges.push_back(std::move(edge));
  }
  std::string path;
  {
    std::lock_guard guard(mu_);
    if (graph_file_name_.empty() || graph_file_pid_ != getpid()) {
      // The random part keeps apart processes of one pid on other machines (CI shards writing
      // into one directory).
      graph_file_pid_ = getpid();
      graph_file_name_ = std::string(program_invocation_short_name) + "." +
                         std::to_string(graph_file_pid_) + "." + random_hex() +
                         report::kGraphFileSuffix;
    }
    path = opts.graph_dir + "/" + graph_file_name_;
  }
  ::mkdir(opts.graph_dir.c_str(), 0777);  // made on first use (a test suite's fresh directory)
  const std::string error = report::write_file_atomically(path, report::render_graph_file(graph));
  if (!error.empty()) std::fprintf(stderr, "lockorder: graph_dir: %s\n", error.c_str());
}

std::string Reporter::creation_identity(std::uint32_t created_stack, int depth) {
  const RawStack stack = order_checker().stack(created_stack);
  report::Stack frames;
  {
    std::lock_guard guard(symbolizer_mu_);
    RawReport probe;
    probe.sites.push_back({"", "", captured_site(stack), ""});
    frames = symbolizer_for(probe).symbolize(stack.pcs);
  }
  std::string id;
  int kept = 0;
  for (const report::Frame& frame : frames) {
    if (report::is_library_frame(frame)) continue;
    id += (kept == 0 ? "site:" : " < ") + frame.file + ":" + std::to_string(frame.line) + ":" +
          frame.function;
    if (++kept == depth) break;
  }
  return id;
}

void Reporter::write_sarif(const options& opts) {
  std::string error = report::write_file_atomically(
      file_path(opts.sarif_path), report::render_sarif({"lockorder-runtime", LOCKORDER_VERSION,
                                                        current_directory(), LOCKORDER_DOCS_URI},
                                                       sarif_reports_));
  if (!error.empty()) std::fprintf(stderr, "lockorder: sarif: %s\n", error.c_str());
}

void Reporter::emit(const RawReport& raw, bool may_throw) {
  std::shared_ptr<const options> opts = current_options();
  report::Report report = symbolize(raw);
  std::string text = report::render_text(report);
  std::vector<std::pair<int, report_observer>> observers;
  {
    std::lock_guard guard(mu_);
    ++count_;
    if (exit_status_off_ == 0) ++counted_for_exit_;
    write_text(text, *opts);
    notes_.note_report(summary_line(text));
    if (!opts->sarif_path.empty()) {
      sarif_reports_.push_back(report);
      write_sarif(*opts);
    }
    observers = observers_;
  }
  // A process a report may end (on_deadlock, on_report=abort) still leaves its graph.
  if (!opts->graph_dir.empty()) write_graph_file(*opts);
  for (auto& [_, observer] : observers) observer(report);
  if (opts->on_report == report_action::callback && opts->callback) opts->callback(report);
  if (opts->on_report == report_action::abort) std::abort();
  if (opts->on_report == report_action::throw_exception && may_throw)
    throw lock_order_error(report.kind, text);
}

void Reporter::on_certain_deadlock() {
  std::shared_ptr<const options> opts = current_options();
  switch (opts->on_deadlock) {
    case deadlock_action::wait:
      return;
    case deadlock_action::abort:
      std::abort();
    case deadlock_action::exit:
      finish();
      std::fflush(nullptr);
      _exit(opts->exitcode != 0 ? opts->exitcode : 66);
  }
}

std::size_t Reporter::count() {
  std::lock_guard guard(mu_);
  return count_;
}

int Reporter::add_observer(report_observer observer) {
  std::lock_guard guard(mu_);
  observers_.emplace_back(next_observer_, std::move(observer));
  return next_observer_++;
}

void Reporter::remove_observer(int handle) {
  std::lock_guard guard(mu_);
  std::erase_if(observers_, [handle](const auto& entry) { return entry.first == handle; });
}

void Reporter::set_exit_status_on_reports(bool on) {
  std::lock_guard guard(mu_);
  exit_status_off_ += on ? -1 : 1;
  if (exit_status_off_ < 0) exit_status_off_ = 0;
}

void Reporter::note_exec(const char* program) {
  std::lock_guard guard(mu_);
  notes_.note_exec(program != nullptr ? program : "");
}

void Reporter::note_exec_failed() {
  std::lock_guard guard(mu_);
  notes_.note_started();
}

void Reporter::finish() {
  std::shared_ptr<const options> opts = current_options();
  if (const std::size_t repeated = order_checker().repeated_cycles(); repeated > 0) {
    std::lock_guard guard(mu_);
    write_text("lockorder: " + std::to_string(repeated) +
                   " more cycles with the same acquisition sites as a reported one (the same code "
                   "on other locks) were counted, not repeated; all_instances=1 reports each\n",
               *opts);
  }
  if (!opts->sarif_path.empty()) {
    // Asked for SARIF: a clean run writes a run with no results (CI uploads it either way).
    std::lock_guard guard(mu_);
    if (sarif_reports_.empty() && !own_files_) write_sarif(*opts);  // children: only findings
  }
  if (!opts->graph_dir.empty()) write_graph_file(*opts);
  if (!opts->dot_path.empty()) {
    std::string path;
    {
      std::lock_guard guard(mu_);
      path = file_path(opts->dot_path);
    }
    std::string error = write_lock_graph_dot(path);
    if (!error.empty()) std::fprintf(stderr, "lockorder: dot: %s\n", error.c_str());
  }
  std::size_t counted = 0;
  {
    std::lock_guard guard(mu_);
    counted = counted_for_exit_;
  }
  if (counted > 0 && opts->exitcode != 0) {
    std::fflush(nullptr);
    _exit(opts->exitcode);
  }
}

}  // namespace lockorder::internal
