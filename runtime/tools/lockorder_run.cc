// lockorder-run: runs a program with lockorder's preload library, so that its pthread mutexes,
// rwlocks and condition variables (and std::mutex and friends, built on them) are checked with
// no rebuild. See --help, and docs/runtime.md.
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockorder/options.h"
#include "lockorder/report/sarif_writer.h"
#include "process/process_tree.h"

namespace {

namespace fs = std::filesystem;
using lockorder::internal::collect_tree;
using lockorder::internal::describe_tree;
using lockorder::internal::remove_run_directory;

constexpr int kUsageError = 2;

constexpr const char* kHelp = R"(Usage: lockorder-run [OPTIONS] [--] PROGRAM [ARGS...]

Runs PROGRAM with lockorder's runtime preloaded: every pthread mutex, rwlock and
condition variable it uses (std::mutex, std::shared_mutex, std::condition_variable, ...)
is checked for lock-order inversions, real deadlocks, double locks and unlocks of
unheld locks, with no rebuild. Reports go to stderr.

Options (each is also a LOCKORDER_OPTIONS key; the command line wins over the environment):
  --sarif=FILE           also write every report as SARIF 2.1.0 to FILE (written at exit
                         even when nothing was found)
  --dot=FILE             write the lock-order graph as DOT to FILE at exit
  --graph-dir=DIR        write each process's lock-order graph into DIR (at exit and after
                         each report), for lockorder-report to merge across processes
  --graph-label=TEXT     what lockorder-report calls these processes, beside the program
  --log-path=FILE        append reports to FILE instead of stderr
  --exitcode=N           exit status of a run that reported something [66]; 0 keeps the
                         program's own
  --on-deadlock=ACTION   after a real deadlock or a double lock: exit (end the run with the
                         exit code), abort, or wait (hang, as without lockorder) [exit]
  --on-report=ACTION     after any report: report (go on) or abort [report]
  -o, --option KEY=VALUE any runtime option, e.g. -o read_read_cycles=1 -o stack_depth=64
  -h, --help             this text
  --version              the version

Exit status: the program's own, or 66 when something was reported (--exitcode); 2 for a
usage error; 126/127 when PROGRAM cannot be run.
Processes the program starts inherit the preload and are checked as well; they write their
SARIF and DOT files with their process id before the extension (out.1234.sarif). When the
program has exited, lockorder-run lists every process that reported (exit status 66 if any
did), and names the programs they exec'd that never reported in (setuid or statically linked
programs, which the preload cannot enter: they ran unchecked).

Example:
  lockorder-run --sarif=lockorder.sarif -- ./server --port 8080
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "lockorder-run: %s\nTry 'lockorder-run --help'.\n", message.c_str());
  std::exit(kUsageError);
}

// "--sarif=FILE" -> "sarif=FILE"; nullopt when `arg` is not one of the named options.
std::optional<std::string> named_option(std::string_view arg) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"--sarif=", "sarif"},
      {"--dot=", "dot"},
      {"--graph-dir=", "graph_dir"},
      {"--graph-label=", "graph_label"},
      {"--log-path=", "log_path"},
      {"--exitcode=", "exitcode"},
      {"--on-deadlock=", "on_deadlock"},
      {"--on-report=", "on_report"},
  };
  for (auto [flag, key] : kNamed)
    if (arg.starts_with(flag)) return std::string(key) + "=" + std::string(arg.substr(flag.size()));
  return std::nullopt;
}

// The preload library: LOCKORDER_PRELOAD, else ../lib next to this executable's directory
// (build/bin -> build/lib, PREFIX/bin -> PREFIX/lib).
std::string preload_library() {
  if (const char* set = std::getenv("LOCKORDER_PRELOAD"); set && *set) {
    if (!fs::exists(set))
      usage_error(std::string("LOCKORDER_PRELOAD names a missing file: ") + set);
    return set;
  }
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
      fs::path candidate = self.parent_path().parent_path() / libdir / "liblockorder_preload.so";
      if (fs::exists(candidate)) return candidate.string();
    }
  }
  usage_error("cannot find liblockorder_preload.so next to lockorder-run (set LOCKORDER_PRELOAD)");
}

// PROGRAM as execvp would find it, or empty.
std::string resolve_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    std::size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

// A statically linked ELF program has no dynamic loader: a preload cannot reach its locks.
bool is_static_elf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) return false;
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64)
    return false;
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph{};
    in.seekg(static_cast<std::streamoff>(header.e_phoff + i * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return false;
    if (ph.p_type == PT_INTERP) return false;
  }
  return header.e_type == ET_EXEC || header.e_type == ET_DYN;
}

// Whether running the program would change the user or group id: the loader then runs it in
// secure mode and drops LD_PRELOAD.
bool changes_identity(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  return ((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
         ((st.st_mode & S_ISGID) && st.st_gid != getegid());
}

std::string temp_directory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

void check_output_directory(const std::string& key, const std::string& file) {
  if (file.empty()) return;
  fs::path dir = fs::path(file).parent_path();
  if (!dir.empty() && !fs::is_directory(dir))
    usage_error(key + "=" + file + ": directory '" + dir.string() + "' does not exist");
}

// The process lockorder-run started, while it runs. Signals that ask the run to stop go to it;
// lockorder-run itself waits for it.
pid_t g_child = 0;

void forward_signal(int signal) {
  if (g_child > 0) kill(g_child, signal);
}

// Starts the program as a child (the runtime's notes name it the run's top process), waits for
// it, then says what every process of the tree found. Returns lockorder-run's exit status.
int run_and_report(const std::string& resolved, char** program_argv, const std::string& run_dir,
                   int exitcode, const std::string& sarif_path) {
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) usage_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t parent = getpid();
  g_child = fork();
  if (g_child < 0) usage_error(std::string("fork: ") + std::strerror(errno));
  if (g_child == 0) {
    // The program dies with lockorder-run (killed with SIGKILL, it cannot forward anything).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    setenv("LOCKORDER_RUN_PID", std::to_string(getpid()).c_str(), 1);
    execv(resolved.c_str(), program_argv);
    const int error = errno;
    (void)!write(exec_error[1], &error, sizeof error);
    _exit(127);
  }
  close(exec_error[1]);
  // Ctrl-C and Ctrl-\ reach the whole foreground group, the program included: lockorder-run
  // waits for it to act on them. Stop requests sent to lockorder-run alone are passed on.
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  for (int forwarded : {SIGTERM, SIGHUP, SIGUSR1, SIGUSR2}) signal(forwarded, forward_signal);
  int error = 0;
  const bool exec_failed = read(exec_error[0], &error, sizeof error) == sizeof error;
  close(exec_error[0]);
  int status = 0;
  while (waitpid(g_child, &status, 0) < 0 && errno == EINTR) {
  }
  if (exec_failed) {
    remove_run_directory(run_dir);
    std::fprintf(stderr, "lockorder-run: cannot run %s: %s\n", program_argv[0],
                 std::strerror(error));
    return error == ENOENT ? 127 : 126;
  }
  const lockorder::internal::TreeFindings tree = collect_tree(run_dir);
  remove_run_directory(run_dir);
  if (const std::string text = describe_tree(tree); !text.empty()) std::fputs(text.c_str(), stderr);
  if (!sarif_path.empty()) {
    // One SARIF log for the run: the other processes' results join the top process's.
    std::vector<std::pair<std::string, std::string>> others;
    for (const auto& process : tree.reported)
      if (process.pid != g_child)
        others.emplace_back(lockorder::internal::per_process_path(sarif_path, process.pid),
                            std::to_string(process.pid) + " (" + process.program + ")");
    if (const std::string error = lockorder::report::merge_sarif_results(sarif_path, others);
        !error.empty())
      std::fprintf(stderr, "lockorder-run: sarif: %s\n", error.c_str());
  }
  if (WIFSIGNALED(status)) {
    // Ends the same way, so that a caller sees what the program saw (a core dump included).
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  if (!tree.reported.empty() && exitcode != 0) return exitcode;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> settings;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::printf("lockorder-run %s\n", LOCKORDER_VERSION);
      return 0;
    }
    if (arg == "-o" || arg == "--option") {
      if (i + 1 >= argc) usage_error(std::string(arg) + " needs KEY=VALUE");
      settings.emplace_back(argv[++i]);
    } else if (arg.starts_with("--option=")) {
      settings.emplace_back(arg.substr(9));
    } else if (auto named = named_option(arg)) {
      settings.push_back(*named);
    } else if (arg.starts_with("-")) {
      usage_error("unknown option '" + std::string(arg) + "'");
    } else {
      break;  // the program
    }
  }
  if (i >= argc) usage_error("no program to run");

  std::string merged = std::getenv("LOCKORDER_OPTIONS") ? std::getenv("LOCKORDER_OPTIONS") : "";
  for (const std::string& setting : settings) {
    if (setting.find_first_of(":,") != std::string::npos)
      usage_error("'" + setting + "': give one KEY=VALUE per option");
    merged += (merged.empty() ? "" : ":") + setting;
  }
  lockorder::options parsed;
  if (std::string error = lockorder::parse_options(merged, parsed); !error.empty())
    usage_error(error);
  if (parsed.on_report == lockorder::report_action::throw_exception)
    usage_error(
        "on_report=throw needs the linked runtime (an exception cannot cross the C "
        "library); use report or abort");
  check_output_directory("sarif", parsed.sarif_path);
  check_output_directory("dot", parsed.dot_path);
  check_output_directory("log_path", parsed.log_path);
  if (!parsed.graph_dir.empty() && fs::exists(parsed.graph_dir) &&
      !fs::is_directory(parsed.graph_dir))
    usage_error("graph_dir=" + parsed.graph_dir + ": not a directory");

  const std::string program = argv[i];
  const std::string resolved = resolve_program(program);
  if (resolved.empty()) {
    std::fprintf(stderr, "lockorder-run: %s: command not found\n", program.c_str());
    return 127;
  }
  if (is_static_elf(resolved))
    usage_error(program +
                " is statically linked: its locks cannot be interposed (link it "
                "dynamically, or link lockorder::runtime into it)");
  if (changes_identity(resolved))
    usage_error(program +
                " is setuid or setgid: the loader ignores the preload for it, so its locks "
                "cannot be checked (run it as its owner, or link lockorder::runtime into it)");
  // Where the processes of the run tell the one it starts what they found (see process_tree.h).
  std::string run_dir = temp_directory() + "/lockorder-run.XXXXXX";
  if (mkdtemp(run_dir.data()) == nullptr)
    usage_error("cannot make a run directory in " + temp_directory() + ": " + std::strerror(errno));

  std::string preload = preload_library();
  if (const char* existing = std::getenv("LD_PRELOAD"); existing && *existing)
    preload += std::string(":") + existing;
  setenv("LD_PRELOAD", preload.c_str(), 1);
  setenv("LOCKORDER_OPTIONS", merged.c_str(), 1);
  setenv("LOCKORDER_RUN_DIR", run_dir.c_str(), 1);
  return run_and_report(resolved, argv + i, run_dir, parsed.exitcode, parsed.sarif_path);
}
