#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "lockorder/options.h"
#include "order/order_checker.h"
#include "process/internal_locks.h"
#include "process/settings.h"
#include "reporting/reporter.h"

namespace lockorder {
namespace {

bool parse_bool(std::string_view value, bool& out) {
  if (value == "1" || value == "true" || value == "yes") return out = true, true;
  if (value == "0" || value == "false" || value == "no") return out = false, true;
  return false;
}

bool parse_int(std::string_view value, int min, int max, int& out) {
  if (value.empty()) return false;
  long result = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    result = result * 10 + (c - '0');
    if (result > max) return false;
  }
  if (result < min) return false;
  out = static_cast<int>(result);
  return true;
}

// Applies one key=value; returns an empty string or the reason it was rejected.
std::string apply(std::string_view key, std::string_view value, options& opts) {
  auto bad_value = [&](const char* expected) {
    return "invalid value '" + std::string(value) + "' for option '" + std::string(key) +
           "' (expected " + expected + ")";
  };
  if (key == "on_report") {
    if (value == "report")
      opts.on_report = report_action::report;
    else if (value == "abort")
      opts.on_report = report_action::abort;
    else if (value == "throw")
      opts.on_report = report_action::throw_exception;
    else
      return bad_value("report, abort or throw");
  } else if (key == "on_deadlock") {
    if (value == "exit")
      opts.on_deadlock = deadlock_action::exit;
    else if (value == "abort")
      opts.on_deadlock = deadlock_action::abort;
    else if (value == "wait")
      opts.on_deadlock = deadlock_action::wait;
    else
      return bad_value("exit, abort or wait");
  } else if (key == "exitcode") {
    if (!parse_int(value, 0, 255, opts.exitcode)) return bad_value("0..255");
  } else if (key == "read_read_cycles") {
    if (!parse_bool(value, opts.read_read_cycles)) return bad_value("0 or 1");
  } else if (key == "gated_cycles") {
    if (!parse_bool(value, opts.gated_cycles)) return bad_value("0 or 1");
  } else if (key == "all_instances") {
    if (!parse_bool(value, opts.all_instances)) return bad_value("0 or 1");
  } else if (key == "stack_depth") {
    if (!parse_int(value, 1, 256, opts.stack_depth)) return bad_value("1..256");
  } else if (key == "log_path") {
    opts.log_path = value;
  } else if (key == "sarif") {
    opts.sarif_path = value;
  } else if (key == "dot") {
    opts.dot_path = value;
  } else if (key == "graph_dir") {
    opts.graph_dir = value;
  } else if (key == "graph_label") {
    opts.graph_label = value;
  } else if (key == "graph_site_depth") {
    if (!parse_int(value, 1, 16, opts.graph_site_depth)) return bad_value("1..16");
  } else {
    return "unknown option '" + std::string(key) + "'";
  }
  return {};
}

struct Settings {
  internal::OrderedMutex<std::mutex, internal::InternalLock::options> mu;
  std::shared_ptr<const options> current;
};

Settings& settings() {
  static Settings* s = [] {
    auto* created = new Settings;
    options opts;
    if (const char* env = std::getenv("LOCKORDER_OPTIONS")) {
      std::string error = parse_options(env, opts);
      if (!error.empty())
        std::fprintf(stderr, "lockorder: LOCKORDER_OPTIONS: %s; using the default\n",
                     error.c_str());
    }
    internal::order_checker().keep_retired_edges(!opts.graph_dir.empty());
    created->current = std::make_shared<const options>(std::move(opts));
    internal::reporter();  // registers the at-exit handler before the program can report
    return created;
  }();
  return *s;
}

}  // namespace

std::string parse_options(std::string_view text, options& opts) {
  std::string errors;
  while (!text.empty()) {
    std::size_t end = text.find_first_of(":,");
    std::string_view item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    std::string error = eq == std::string_view::npos
                            ? "option '" + std::string(item) + "' has no value (key=value)"
                            : apply(item.substr(0, eq), item.substr(eq + 1), opts);
    if (!error.empty()) errors += (errors.empty() ? "" : "; ") + error;
  }
  return errors;
}

options get_options() { return *internal::current_options(); }

void set_options(const options& opts) {
  Settings& s = settings();
  std::lock_guard guard(s.mu);
  internal::order_checker().keep_retired_edges(!opts.graph_dir.empty());
  s.current = std::make_shared<const options>(opts);
}

namespace internal {

std::shared_ptr<const options> current_options() {
  Settings& s = settings();
  std::lock_guard guard(s.mu);
  return s.current;
}

void lock_options_for_fork() { settings().mu.lock(); }
void unlock_options_after_fork() { settings().mu.unlock(); }

namespace {
std::atomic<bool> g_unmodified_program{false};
}  // namespace

void mark_unmodified_program() { g_unmodified_program.store(true, std::memory_order_relaxed); }
bool unmodified_program() { return g_unmodified_program.load(std::memory_order_relaxed); }

}  // namespace internal
}  // namespace lockorder
