// lockorder-supervise: runs a daemon and restarts it when it fails, with exponential backoff and
// jitter, until it fails too often; the process-level rung of the watchdog's recovery ladder.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kUsage = R"(usage: lockorder-supervise [OPTIONS] -- PROGRAM [ARGS...]

Runs PROGRAM and restarts it whenever it fails (exits with a non-zero status or is killed by a
signal), waiting an exponential backoff with jitter between restarts: the wait doubles with each
failure, and starts over only once the program has run --healthy-after seconds. Gives up when it
fails more than --max-restarts times within --period, and then exits with the program's last
status. A program that exits with status 0 is done: lockorder-supervise exits 0.
SIGTERM, SIGINT and SIGHUP are passed on to the program, which then is not restarted; if it has
not exited --stop-timeout seconds later, it is killed (SIGKILL), as systemd's TimeoutStopSec
does. If lockorder-supervise itself is killed, the program is killed with it.

Options:
  --max-restarts=N     restarts allowed within the period before giving up [5]
  --period=SECONDS     the period for --max-restarts [60]
  --backoff=MS         first wait before a restart, doubled each time [100]
  --backoff-max=MS     longest wait, jitter included [30000]
  --jitter=FRACTION    each wait is multiplied by 1 +- FRACTION, at random [0.2]
  --healthy-after=SECONDS
                       a run this long resets the backoff to --backoff [600]
  --stop-timeout=SECONDS
                       after passing on a stop signal, wait this long, then SIGKILL [10]
  --restart-on=WHEN    failure (non-zero status or signal) or always (also after status 0)
                       [failure]
  -q, --quiet          say nothing about restarts
  -h, --help           this text
  --version            the version

Exit status: 0 when the program finished successfully; the program's last status (128+N for
signal N) when giving up or when stopped by a signal; 2 for bad arguments; 127 when PROGRAM is
not found, 126 when it cannot be run.
)";

struct Settings {
  int max_restarts = 5;
  double period_s = 60;
  double backoff_ms = 100;
  double backoff_max_ms = 30000;
  double jitter = 0.2;
  double healthy_after_s = 600;
  double stop_timeout_s = 10;
  bool restart_always = false;
  bool quiet = false;
  std::vector<char*> command;
};

volatile sig_atomic_t g_child = 0;
volatile sig_atomic_t g_stop_signal = 0;

void forward(int signal) {
  g_stop_signal = signal;
  if (g_child > 0) kill(g_child, signal);
}

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "lockorder-supervise: %s\nTry 'lockorder-supervise --help'.\n",
               message.c_str());
  std::exit(2);
}

double number(const std::string& option, const std::string& text, double min, double max) {
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || value < min || value > max)
    usage_error("invalid value for " + option + ": '" + text + "' (expected a number from " +
                std::to_string(min) + " to " + std::to_string(max) + ")");
  return value;
}

Settings parse(int argc, char** argv) {
  Settings s;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--version") {
      std::printf("lockorder-supervise %s\n", LOCKORDER_VERSION);
      std::exit(0);
    }
    if (arg == "-q" || arg == "--quiet") {
      s.quiet = true;
      continue;
    }
    const auto eq = arg.find('=');
    const std::string key = arg.substr(0, eq);
    if (eq == std::string::npos) usage_error("unknown option '" + arg + "'");
    const std::string value = arg.substr(eq + 1);
    if (key == "--max-restarts")
      s.max_restarts = static_cast<int>(number(key, value, 0, 1e6));
    else if (key == "--period")
      s.period_s = number(key, value, 0.001, 1e7);
    else if (key == "--backoff")
      s.backoff_ms = number(key, value, 0, 1e7);
    else if (key == "--backoff-max")
      s.backoff_max_ms = number(key, value, 0, 1e8);
    else if (key == "--jitter")
      s.jitter = number(key, value, 0, 1);
    else if (key == "--healthy-after")
      s.healthy_after_s = number(key, value, 0, 1e7);
    else if (key == "--stop-timeout")
      s.stop_timeout_s = number(key, value, 0, 1e7);
    else if (key == "--restart-on" && (value == "failure" || value == "always"))
      s.restart_always = value == "always";
    else
      usage_error("unknown option or value '" + arg + "'");
  }
  if (i >= argc) usage_error("no program given (put it after --)");
  s.command.assign(argv + i, argv + argc);
  s.command.push_back(nullptr);
  return s;
}

// How one run of the program ended.
struct Ended {
  int status = 0;      // as a shell gives it: the exit status, or 128+N for signal N
  int exec_error = 0;  // the program could not be started (errno of exec)
  std::string how;     // "exited with status 3", "killed by signal 11 (SIGSEGV)"
};

std::string describe(int wait_status) {
  if (!WIFSIGNALED(wait_status))
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  const int signal = WTERMSIG(wait_status);
  const char* name = sigabbrev_np(signal);
  return "killed by signal " + std::to_string(signal) +
         (name != nullptr ? " (SIG" + std::string(name) + ")" : "");
}

// Waits for the child; once a stop signal was passed on to it, for --stop-timeout at most, then
// kills it.
int wait_child(pid_t pid, const Settings& s) {
  int status = 0;
  std::optional<Clock::time_point> kill_at;
  for (;;) {
    const pid_t done = waitpid(pid, &status, kill_at ? WNOHANG : 0);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return status;
    if (g_stop_signal != 0 && !kill_at)
      kill_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(s.stop_timeout_s));
    if (kill_at && Clock::now() >= *kill_at) {
      std::fprintf(stderr, "lockorder-supervise: '%s' did not stop within %g s; killing it\n",
                   s.command[0], s.stop_timeout_s);
      kill(pid, SIGKILL);
      kill_at = Clock::time_point::max();  // killed: now wait for it
    }
    if (kill_at) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Runs the program once.
Ended run_once(const Settings& s) {
  Ended ended;
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) {
    ended.exec_error = errno;
    return ended;
  }
  const pid_t supervisor = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    ended.exec_error = errno;
    return ended;
  }
  if (pid == 0) {
    close(ready[0]);
    // The program must not outlive its supervisor (killed with SIGKILL, it cannot pass on any
    // signal): the kernel kills it when the supervisor dies.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != supervisor) _exit(127);
    execvp(s.command[0], s.command.data());
    int err = errno;
    (void)!write(ready[1], &err, sizeof err);
    _exit(127);
  }
  close(ready[1]);
  g_child = pid;
  if (g_stop_signal != 0) kill(pid, g_stop_signal);  // a stop that came during the fork
  const bool failed_exec =
      read(ready[0], &ended.exec_error, sizeof ended.exec_error) == sizeof ended.exec_error;
  close(ready[0]);
  const int status = wait_child(pid, s);
  g_child = 0;
  if (!failed_exec) ended.exec_error = 0;
  ended.status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  ended.how = describe(status);
  return ended;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s = parse(argc, argv);
  struct sigaction action{};
  action.sa_handler = forward;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &action, nullptr);

  std::mt19937_64 random{std::random_device{}()};
  std::uniform_real_distribution<double> spread(1.0 - s.jitter, 1.0 + s.jitter);
  std::deque<Clock::time_point> restarts;
  double backoff = s.backoff_ms;
  for (;;) {
    const auto started = Clock::now();
    const Ended ended = run_once(s);
    if (ended.exec_error != 0) {
      std::fprintf(stderr, "lockorder-supervise: cannot run '%s': %s\n", s.command[0],
                   std::strerror(ended.exec_error));
      return ended.exec_error == ENOENT ? 127 : 126;
    }
    const int status = ended.status;
    if (g_stop_signal != 0) return status;
    if (status == 0 && !s.restart_always) return 0;
    const auto now = Clock::now();
    // Only a healthy run starts the backoff over: a program that keeps failing soon after each
    // start keeps waiting longer, even when its failures are spread wider than the period.
    if (now - started >= std::chrono::duration<double>(s.healthy_after_s)) backoff = s.backoff_ms;
    const auto period = std::chrono::duration<double>(s.period_s);
    while (!restarts.empty() && now - restarts.front() > period) restarts.pop_front();
    if (restarts.size() >= static_cast<std::size_t>(s.max_restarts)) {
      std::fprintf(stderr,
                   "lockorder-supervise: '%s' failed %zu times within %g s (%s); giving up\n",
                   s.command[0], restarts.size() + 1, s.period_s, ended.how.c_str());
      return status;
    }
    restarts.push_back(now);
    // The jitter spreads the wait, but never past the longest wait.
    const double wait_ms = std::min(backoff * spread(random), s.backoff_max_ms);
    if (!s.quiet)
      std::fprintf(stderr, "lockorder-supervise: '%s' %s; restart %zu in %.0f ms\n", s.command[0],
                   ended.how.c_str(), restarts.size(), wait_ms);
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(wait_ms));
    if (g_stop_signal != 0) return status;
    backoff = std::min(backoff * 2, s.backoff_max_ms);
  }
}
