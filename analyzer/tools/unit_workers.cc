#include "unit_workers.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

#include "ir_codec.h"

namespace lockorder::analyzer {
namespace {

struct Worker {
  std::size_t index;
  pid_t pid;
  int fd;
  std::string bytes;
};

void write_all(int fd, const std::string& bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// The worker: lowers one file and writes {parsed, messages, unit} to `fd`; never returns.
[[noreturn]] void run_worker(
    const std::string& file, int fd,
    const std::function<bool(const std::string&, TranslationUnitIR&, std::string&)>& lower_one) {
  TranslationUnitIR unit;
  unit.file = file;
  // Whatever the libraries print on stderr goes with this file's messages, which the parent
  // prints whole: workers' lines never interleave.
  std::FILE* captured = std::tmpfile();
  if (captured != nullptr) dup2(fileno(captured), STDERR_FILENO);
  std::string messages;
  const bool parsed = lower_one(file, unit, messages);
  if (captured != nullptr) {
    std::fflush(stderr);
    std::rewind(captured);
    std::string printed;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, captured)) > 0;)
      printed.append(buffer, n);
    messages = printed + messages;
  }
  std::ostringstream reply;
  {
    cereal::BinaryOutputArchive archive(reply);
    archive(parsed, messages, encode_unit(unit));
  }
  write_all(fd, std::move(reply).str());
  close(fd);
  _exit(0);  // no destructors: the unit's memory goes back with the process
}

UnitOutcome finish(Worker& w, const std::string& file) {
  UnitOutcome outcome;
  outcome.unit.file = file;
  int status = 0;
  while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    outcome.messages = "lockorder-check: error: the analysis of " + file + " crashed (signal " +
                       std::to_string(WTERMSIG(status)) + ")\n";
    return outcome;
  }
  try {
    std::istringstream reply(std::move(w.bytes));
    cereal::BinaryInputArchive archive(reply);
    std::string ir;
    archive(outcome.parsed, outcome.messages, ir);
    outcome.unit = decode_unit(ir);
  } catch (const std::exception& e) {
    outcome.parsed = false;
    outcome.messages = "lockorder-check: error: no result for " + file + ": " + e.what() + "\n";
  }
  return outcome;
}

}  // namespace

std::vector<UnitOutcome> lower_in_workers(
    const std::vector<std::string>& files, unsigned workers,
    const std::function<bool(const std::string&, TranslationUnitIR&, std::string&)>& lower_one,
    const std::function<void(std::size_t, const UnitOutcome&)>& on_done) {
  std::vector<UnitOutcome> outcomes(files.size());
  std::vector<Worker> running;
  std::size_t next = 0;
  if (workers == 0) workers = 1;
  while (next < files.size() || !running.empty()) {
    while (next < files.size() && running.size() < workers) {
      int fds[2];
      if (pipe(fds) != 0) break;
      const pid_t pid = fork();
      if (pid == 0) {
        close(fds[0]);
        run_worker(files[next], fds[1], lower_one);
      }
      close(fds[1]);
      if (pid < 0) {
        close(fds[0]);
        outcomes[next].unit.file = files[next];
        outcomes[next].messages = "lockorder-check: error: cannot start a worker for " +
                                  files[next] + ": " + std::strerror(errno) + "\n";
        on_done(next, outcomes[next]);
        ++next;
        continue;
      }
      running.push_back({next++, pid, fds[0], {}});
    }
    std::vector<pollfd> polls;
    for (const Worker& w : running) polls.push_back({w.fd, POLLIN, 0});
    if (poll(polls.data(), polls.size(), -1) < 0 && errno != EINTR) break;
    for (std::size_t i = running.size(); i-- > 0;) {
      if (polls[i].revents == 0) continue;
      Worker& w = running[i];
      std::uint8_t buffer[1 << 16];
      const ssize_t n = read(w.fd, buffer, sizeof buffer);
      if (n > 0) {
        w.bytes.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      close(w.fd);
      outcomes[w.index] = finish(w, files[w.index]);
      on_done(w.index, outcomes[w.index]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  return outcomes;
}

}  // namespace lockorder::analyzer
