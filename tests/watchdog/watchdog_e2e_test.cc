// End to end: lockorder-supervise (restarts with backoff, gives up after the limit with the
// program's status, passes on SIGTERM, rejects bad arguments, restarts the example daemon when it
// escalates), the example daemon, and a watchdog explaining a stall under lockorder-run.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "run_support.h"

namespace lockorder::testing {
namespace {

const std::string kSupervise = LOCKORDER_SUPERVISE_PATH;

// A counter file in the test's own directory: each run of the program appends a line.
std::string counter_file(const std::string& name) {
  std::string path = std::string(TEST_WORK_DIR) + "/" + name + ".runs";
  std::remove(path.c_str());
  return path;
}
int lines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

RunResult supervise(std::vector<std::string> options, const std::string& script) {
  std::vector<std::string> argv{kSupervise, "--backoff=1", "--backoff-max=5"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), {"--", "/bin/sh", "-c", script});
  return run_program(argv, {}, 60);
}

TEST(Supervise, AProgramThatSucceedsRunsOnce) {
  std::string runs = counter_file("succeeds");
  RunResult r = supervise({}, "echo run >> " + runs);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(runs), 1);
}

TEST(Supervise, AFailingProgramIsRestartedUntilTheLimitThenItsStatusIsReturned) {
  std::string runs = counter_file("fails");
  RunResult r = supervise({"--max-restarts=3"}, "echo run >> " + runs + "; exit 3");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(lines(runs), 4);  // the first run and three restarts
  EXPECT_NE(r.err.find("exited with status 3; restart 1 in"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exited with status 3; restart 3 in"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("failed 4 times within 60 s (exited with status 3); giving up"),
            std::string::npos)
      << r.err;
}

TEST(Supervise, AProgramThatRecoversEndsTheSupervision) {
  std::string runs = counter_file("recovers");
  RunResult r = supervise({"--max-restarts=5"},
                          "echo run >> " + runs + "; [ $(wc -l < " + runs + ") -ge 3 ]");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(runs), 3);
}

TEST(Supervise, DeathBySignalIsAFailureNamedAsSuch) {
  RunResult r = supervise({"--max-restarts=1"}, "kill -SEGV $$");
  EXPECT_EQ(r.exit_code, 128 + 11) << r.err;
  EXPECT_NE(r.err.find("killed by signal 11 (SIGSEGV); restart 1 in"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(killed by signal 11 (SIGSEGV)); giving up"), std::string::npos) << r.err;
}

// A program that fails just after each start keeps waiting longer, even when its failures are
// spread wider than the period (it never gives up then); only a healthy run starts over.
TEST(Supervise, TheBackoffKeepsGrowingUntilAHealthyRun) {
  std::string runs = counter_file("slow_failures");
  RunResult r = supervise(
      {"--max-restarts=1", "--period=0.05", "--backoff=60", "--backoff-max=10000", "--jitter=0"},
      "echo run >> " + runs + "; [ $(wc -l < " + runs + ") -ge 4 ]");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("restart 1 in 60 ms"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("restart 1 in 120 ms"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("restart 1 in 240 ms"), std::string::npos) << r.err;
}

TEST(Supervise, TheJitterNeverPushesAWaitPastTheCap) {
  RunResult r = run_program({kSupervise, "--backoff=100", "--backoff-max=100", "--jitter=0.9",
                             "--max-restarts=6", "--", "/bin/sh", "-c", "exit 1"},
                            {}, 60);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (std::size_t at = r.err.find(" in "); at != std::string::npos;
       at = r.err.find(" in ", at + 1))
    EXPECT_LE(std::atoi(r.err.c_str() + at + 4), 100) << r.err;
}

// A program that ignores SIGTERM is killed after --stop-timeout, as under systemd.
TEST(Supervise, AProgramThatIgnoresTheStopSignalIsKilledAfterTheTimeout) {
  RunResult r = run_program(
      {"/bin/sh", "-c",
       kSupervise + " --stop-timeout=0.3 -- /bin/sh -c 'trap \"\" TERM; sleep 30 & wait; "
                    "sleep 30' & sleep 0.5; kill -TERM $!; wait $!; echo status=$?"},
      {}, 60);
  EXPECT_NE(r.out.find("status=137"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("did not stop within 0.3 s; killing it"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 10) << r.err;
}

// Killed with SIGKILL, the supervisor takes its program with it.
TEST(Supervise, TheProgramDiesWithItsSupervisor) {
  const std::string pid_file = std::string(TEST_WORK_DIR) + "/orphan.pid";
  std::remove(pid_file.c_str());
  RunResult r = run_program(
      {"/bin/sh", "-c",
       kSupervise + " -- /bin/sh -c 'echo $$ > " + pid_file + "; exec sleep 30' & sleep 0.5; " +
           "kill -KILL $!; sleep 0.3; grep -qs '^State:.*[RS]' /proc/$(cat " + pid_file +
           ")/status && echo alive || echo gone"},  // a zombie is gone too
      {}, 60);
  EXPECT_NE(r.out.find("gone"), std::string::npos) << r.out << r.err;
}

TEST(Supervise, SigtermIsPassedOnAndEndsTheSupervision) {
  std::string runs = counter_file("sigterm");
  RunResult r =
      run_program({"/bin/sh", "-c",
                   kSupervise + " -- /bin/sh -c 'echo run >> " + runs +
                       "; exec sleep 30' & sleep 0.5; kill -TERM $!; wait $!; echo status=$?"},
                  {}, 60);
  EXPECT_NE(r.out.find("status=143"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(lines(runs), 1);
}

TEST(Supervise, BadArgumentsAreClearErrors) {
  RunResult none = run_program({kSupervise});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no program given"), std::string::npos) << none.err;
  RunResult bad = run_program({kSupervise, "--max-restarts=many", "--", "/bin/true"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("invalid value for --max-restarts: 'many'"), std::string::npos) << bad.err;
  RunResult missing = run_program({kSupervise, "--", "/nonexistent/daemon"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("cannot run '/nonexistent/daemon'"), std::string::npos) << missing.err;
  RunResult help = run_program({kSupervise, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--max-restarts=N"), std::string::npos);
  EXPECT_NE(help.out.find("--backoff=MS"), std::string::npos);
}

// The ladder's last rungs together: the daemon's supervisor escalates (status 70) when every
// worker is wedged, and lockorder-supervise restarts it, then gives up.
TEST(Supervise, RestartsTheExampleDaemonWhenItEscalates) {
  RunResult r = run_program(
      {kSupervise, "--max-restarts=1", "--backoff=1", "--", WATCHDOG_DAEMON_PATH, "--wedge"}, {},
      120);
  EXPECT_EQ(r.exit_code, 70) << r.err;
  EXPECT_NE(r.err.find("escalated"), std::string::npos);
  EXPECT_NE(r.err.find("exited with status 70; restart 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("failed 2 times"), std::string::npos) << r.err;
}

TEST(ExampleDaemon, ServesEveryRequestThroughDeadlocksAndAHang) {
  RunResult r = run_program({WATCHDOG_DAEMON_PATH, "--requests=3000"}, {}, 120);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("served 3000 of 3000 requests (0 lost, 0 twice, 0 dead letters)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("deadlocks broken: 0;"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("workers replaced: 1;"), std::string::npos) << r.out;
}

#ifdef LOCKORDER_RUN_PATH
// Under lockorder-run, a worker stuck on a plain std::mutex is explained from the preload
// library's wait-for graph: the program has no lockorder lock at all.
TEST(WatchdogUnderLockorderRun, ExplainsAStallOnAPlainStdMutex) {
  RunResult r = run_program({LOCKORDER_RUN_PATH, "--", PRELOADED_STALL_PATH}, {}, 120);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("blocked-on-lock-chain"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("worker 'loader' has made no progress"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("waits for mutex 0x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("held by a thread that is not blocked on a lock"), std::string::npos)
      << r.out;
}

// A worker in a condition wait (holding another mutex) waits for a signal, not for a lock: the
// preload library's snapshot keeps that (it was dropped crossing over, and the stall was
// explained as a wait on a lock chain).
TEST(WatchdogUnderLockorderRun, AStallInAConditionWaitIsAWaitForASignal) {
  RunResult r = run_program({LOCKORDER_RUN_PATH, "--", PRELOADED_STALL_PATH, "condition"}, {}, 120);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("stalled #1: worker 'loader'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("blocked-on-lock-chain"), std::string::npos) << r.out;
}

// Without lockorder-run the same program still notices the stall, without a lock to name.
TEST(WatchdogUnderLockorderRun, WithoutItTheStallIsStillNoticed) {
  RunResult r = run_program({PRELOADED_STALL_PATH}, {}, 120);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("stalled #1: worker 'loader'"), std::string::npos) << r.out;
}
#endif

}  // namespace
}  // namespace lockorder::testing
