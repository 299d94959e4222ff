// End to end: small C and C++ programs that know nothing of lockorder, run under lockorder-run.
// Each test checks the report kinds, the stacks, the exit status and, where asked, the SARIF.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_support.h"

namespace lockorder::testing {
namespace {

namespace fs = std::filesystem;

RunResult under_lockorder(const std::string& program, std::vector<std::string> args,
                          std::vector<std::string> tool_options = {},
                          std::vector<std::string> env = {}) {
  std::vector<std::string> argv{LOCKORDER_RUN_PATH};
  argv.insert(argv.end(), tool_options.begin(), tool_options.end());
  argv.push_back("--");
  argv.push_back(program);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, env);
}

RunResult cxx(const std::string& scenario, std::vector<std::string> tool_options = {}) {
  return under_lockorder(CXX_SCENARIOS_PATH, {scenario}, std::move(tool_options));
}

RunResult c(const std::string& scenario, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{scenario};
  args.insert(args.end(), extra.begin(), extra.end());
  return under_lockorder(C_SCENARIOS_PATH, args);
}

bool has(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

std::size_t count_of(const std::string& text, const std::string& piece) {
  std::size_t n = 0;
  for (auto at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) ++n;
  return n;
}

// A clean run: the program's own output and status, no report at all.
void expect_clean(const RunResult& r) {
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(has(r.err, "WARNING: lockorder")) << r.err;
}

// A run that reported `kind` (and only that kind) and exited with 66 at the end.
void expect_report(const RunResult& r, const std::string& kind) {
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 66) << r.err;
  EXPECT_TRUE(has(r.err, "WARNING: lockorder: " + kind + " (")) << r.err;
  EXPECT_TRUE(has(r.err, "SUMMARY: lockorder: " + kind)) << r.err;
  EXPECT_EQ(count_of(r.err, "WARNING: lockorder:"), count_of(r.err, "WARNING: lockorder: " + kind))
      << r.err;
}

// A run that ended, with 66, at a real deadlock of `threads` threads.
void expect_deadlock(const RunResult& r, int threads) {
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 66) << r.err;
  EXPECT_TRUE(has(r.err, "WARNING: lockorder: deadlock (" + std::to_string(threads) +
                             " threads blocked in a cycle"))
      << r.err;
  EXPECT_TRUE(has(r.err, "SUMMARY: lockorder: deadlock")) << r.err;
}

// Scenario 1: both edges' stacks, the locks named by their variables.
TEST(Preload, OneThreadInversionShowsBothEdgesAndNamesTheVariables) {
  RunResult r = cxx("one_thread_inversion");
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "2 locks in a cycle")) << r.err;
  EXPECT_TRUE(has(r.err, "take_a_then_b")) << r.err;
  EXPECT_TRUE(has(r.err, "take_b_then_a")) << r.err;
  EXPECT_TRUE(has(r.err, "cxx_scenarios.cc:")) << r.err;
  EXPECT_TRUE(has(r.err, "(anonymous namespace)::a)")) << r.err;
  EXPECT_TRUE(has(r.err, "(anonymous namespace)::b)")) << r.err;
  // The program was not built with lockorder: the hint names no lockorder API.
  EXPECT_TRUE(has(r.err, "Hint: Take these locks in one consistent order")) << r.err;
  EXPECT_FALSE(has(r.err, "lockorder::")) << r.err;
  EXPECT_TRUE(has(r.out, "finished"));
}

TEST(Preload, TwoSequencedThreadsAreBothNamed) {  // 2
  RunResult r = cxx("two_threads_sequenced");
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "'first'")) << r.err;
  EXPECT_TRUE(has(r.err, "'second'")) << r.err;
}

TEST(Preload, ThreeLockCycle) {  // 3
  RunResult r = cxx("three_lock_cycle");
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "3 locks in a cycle")) << r.err;
  EXPECT_EQ(count_of(r.err, "WARNING: lockorder:"), 1u);
}

TEST(Preload, RingOfAHundredLocksIsPrintedInFull) {  // 4
  RunResult r = cxx("ring_of_100");
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "100 locks in a cycle")) << r.err;
  EXPECT_TRUE(has(r.err, "Edge 100 of 100")) << r.err;
}

TEST(Preload, InversionSurvivesAHundredThousandLocksInBetween) {  // 5
  expect_report(cxx("inversion_across_churn"), "lock-order-inversion");
}

// Scenario 6 with std::mutex, which never calls pthread_mutex_destroy: the reused address
// carries no tag, so it is a new lock.
TEST(Preload, AReusedHeapAddressIsANewLock) {
  RunResult r = cxx("reused_address_is_a_new_lock");
  expect_clean(r);
  EXPECT_TRUE(has(r.out, "same address: yes")) << "the scenario did not reuse the address";
}

// A lock object copied elsewhere carries its tag along; the tag names the original's address, so
// the copy is a new lock.
TEST(Preload, ACopiedLockObjectIsANewLock) {
  expect_clean(c("copied_lock"));
  expect_report(c("copied_lock_original"), "lock-order-inversion");
}

TEST(Preload, AReusedStackSlotIsANewLock) { expect_clean(cxx("reused_stack_slot_is_a_new_lock")); }

TEST(Preload, SuccessfulTryLockAddsNoEdge) { expect_clean(cxx("try_lock_adds_no_edge")); }  // 7

TEST(Preload, TryLockedLockIsHeldWhenTheNextBlocks) {  // 7
  expect_report(cxx("try_locked_lock_is_held"), "lock-order-inversion");
}

TEST(Preload, ScopedLockAndStdLockInBothOrders) { expect_clean(cxx("scoped_lock_both_orders")); }

TEST(Preload, RecursiveMutexThenAnother) {  // 9
  expect_report(cxx("recursive_then_other"), "lock-order-inversion");
}

TEST(Preload, RecursiveMutexReenteredAlone) { expect_clean(cxx("recursive_alone")); }  // 10

TEST(Preload, SharedThenExclusive) {  // 11
  RunResult r = cxx("shared_then_exclusive");
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "rwlock 0x")) << r.err;
  EXPECT_TRUE(has(r.err, "(shared)")) << r.err;
}

TEST(Preload, ReadReadCycleIsConfigurable) {  // 11
  expect_clean(cxx("read_read_cycle"));
  expect_report(cxx("read_read_cycle", {"-o", "read_read_cycles=1"}), "lock-order-inversion");
}

TEST(Preload, ConditionWaitRetakesItsMutexUnderTheHeldOne) {  // 12
  expect_report(cxx("wait_while_holding_other"), "lock-order-inversion");
}

TEST(Preload, ConditionWaitAloneAddsNoEdge) { expect_clean(cxx("wait_alone")); }  // 12

TEST(Preload, GateLockHeldAroundBothOrders) { expect_clean(cxx("gate_lock")); }  // 13

TEST(Preload, FourThreadsInOneGlobalOrder) { expect_clean(cxx("global_order_stress")); }  // 14

TEST(Preload, ThousandLocksHeldAtOnce) { expect_clean(cxx("thousand_held")); }  // 15

// Scenario 16: a real deadlock ends the run with a report, well before the time limit.
TEST(Preload, TwoThreadDeadlockEndsTheRunWithAReport) {
  RunResult r = cxx("deadlock_two_threads");
  expect_deadlock(r, 2);
  EXPECT_LT(r.seconds, 30);
  EXPECT_TRUE(has(r.err, "'worker0'")) << r.err;
  EXPECT_TRUE(has(r.err, "'worker1'")) << r.err;
  EXPECT_TRUE(has(r.err, " ms), at:")) << r.err;
  EXPECT_TRUE(has(r.err, "holds mutex 0x")) << r.err;
  EXPECT_FALSE(has(r.out, "finished"));
}

TEST(Preload, ThreeThreadDeadlockEndsTheRunWithAReport) {
  RunResult r = cxx("deadlock_three_threads");
  expect_deadlock(r, 3);
  EXPECT_EQ(count_of(r.err, "waits for mutex"), 6u) << r.err;  // 3 in the summary, 3 sites
}

// W1: pthread_join under the lock the joined thread waits for, whichever blocks first.
TEST(Preload, AJoinUnderTheLockTheJoinedThreadWaitsForIsADeadlock) {
  for (const char* scenario : {"join_under_lock", "join_under_lock_late"}) {
    RunResult r = c(scenario);
    expect_deadlock(r, 2);
    EXPECT_TRUE(has(r.err, "(waits for it to end)")) << scenario << "\n" << r.err;
    EXPECT_TRUE(has(r.err, "waits for mutex 0x")) << scenario << "\n" << r.err;
    EXPECT_FALSE(has(r.out, "finished")) << scenario;
  }
}

TEST(Preload, StdThreadJoinUnderTheLockItsThreadWaitsForIsADeadlock) {
  RunResult r = cxx("thread_join_under_lock");
  expect_deadlock(r, 2);
  EXPECT_TRUE(has(r.err, "(waits for it to end)")) << r.err;
  EXPECT_FALSE(has(r.out, "finished"));
}

// W2: sem_wait under the lock the semaphore's only releaser waits for.
TEST(Preload, ASemaphoreWaitUnderTheLockItsReleaserWaitsForIsADeadlock) {
  RunResult r = c("semaphore_under_lock");
  expect_deadlock(r, 2);
  EXPECT_TRUE(has(r.err, "(every thread that released it is blocked)")) << r.err;
  EXPECT_TRUE(has(r.err, "waits on semaphore 0x")) << r.err;
  EXPECT_FALSE(has(r.out, "finished"));
}

// W7: the same semaphore with no lock held around the wait.
TEST(Preload, ASemaphoreWaitHoldingNothingIsSilent) {
  RunResult r = c("semaphore_holding_nothing");
  expect_clean(r);
  EXPECT_TRUE(has(r.out, "finished"));
}

// W3: pthread_barrier_wait under the lock the other participant takes before it arrives.
TEST(Preload, ABarrierWaitUnderTheLockTheOtherParticipantNeedsIsADeadlock) {
  RunResult r = c("barrier_under_lock");
  expect_deadlock(r, 2);
  EXPECT_TRUE(has(r.err, "for threads that have not arrived")) << r.err;
  EXPECT_TRUE(has(r.err, "waits at barrier 0x")) << r.err;
  EXPECT_FALSE(has(r.out, "finished"));
}

// W7: the same barrier with no lock held around the wait.
TEST(Preload, ABarrierWaitHoldingNothingIsSilent) {
  RunResult r = c("barrier_holding_nothing");
  expect_clean(r);
  EXPECT_TRUE(has(r.out, "finished"));
}

// W7: a timed sem_wait under the same lock times out by itself: no deadlock.
TEST(Preload, ATimedSemaphoreWaitUnderTheLockIsNoDeadlock) {
  RunResult r = c("semaphore_timed_wait");
  expect_clean(r);
  EXPECT_TRUE(has(r.out, "finished, timed out")) << r.out;
}

// W7: the same join, the lock released first.
TEST(Preload, AJoinHoldingNothingIsSilent) {
  RunResult r = c("join_holding_nothing");
  expect_clean(r);
  EXPECT_TRUE(has(r.out, "finished"));
}

TEST(Preload, DeadlockWithOnDeadlockAbort) {
  RunResult r = cxx("deadlock_two_threads", {"--on-deadlock=abort"});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.signal, SIGABRT) << r.err;
  EXPECT_TRUE(has(r.err, "WARNING: lockorder: deadlock")) << r.err;
}

TEST(Preload, DoubleLockIsReportedInsteadOfHanging) {  // 17
  RunResult r = cxx("double_lock");
  EXPECT_FALSE(r.timed_out);
  expect_report(r, "double-lock");
  EXPECT_TRUE(has(r.err, "lock_twice")) << r.err;
  EXPECT_FALSE(has(r.out, "finished"));
}

// The caller of main has no symbol; the frame that took the lock is still running, so the
// report says nothing of frames that had returned.
TEST(Preload, ALockTakenInMainIsShownAsTakenThere) {
  RunResult r = c("double_lock_in_main");
  expect_report(r, "double-lock");
  EXPECT_EQ(count_of(r.err, "#0 main "), 2u) << r.err;
  EXPECT_FALSE(has(r.err, "had returned")) << r.err;
}

// Frames without a source file (a binary built without -g) are the program's all the same, and
// so are files named from a relative path: the stacks keep them, up to main.
TEST(Preload, StacksOfABinaryWithoutDebugInformationKeepTheirFrames) {
  RunResult r = under_lockorder(CXX_SCENARIOS_NODEBUG_PATH, {"double_lock"});
  expect_report(r, "double-lock");
  EXPECT_TRUE(has(r.err, "lock_twice(std::mutex&)")) << r.err;
  EXPECT_EQ(count_of(r.err, "#1 main ("), 2u) << r.err;
}

TEST(Preload, StacksOfABinaryBuiltFromRelativePathsKeepTheirFrames) {
  RunResult r = under_lockorder(CXX_SCENARIOS_RELATIVE_PATH, {"double_lock"});
  expect_report(r, "double-lock");
  EXPECT_TRUE(has(r.err, "./cxx_scenarios.cc")) << r.err;
  EXPECT_TRUE(has(r.err, " main ./cxx_scenarios.cc:")) << r.err;
}

// Thread numbers follow creation order (main is T1), not the order of first locks.
TEST(Preload, ThreadsAreNumberedInCreationOrder) {
  RunResult r = c("numbered_by_creation");
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "by thread T2 'first'")) << r.err;
  EXPECT_TRUE(has(r.err, "by thread T3 'second'")) << r.err;
}

// One bug on many instances (a lock in every buffer): one report, the rest counted at exit.
TEST(Preload, ACycleIsReportedOncePerSetOfAcquisitionSites) {
  RunResult r = c("pool_of_buffers");
  expect_report(r, "lock-order-inversion");
  EXPECT_EQ(count_of(r.err, "WARNING: lockorder:"), 1u) << r.err;
  EXPECT_TRUE(has(r.err, "9 more cycles with the same acquisition sites")) << r.err;
  // A heap lock is named by the function that initialized it, and that is its creation site.
  EXPECT_TRUE(has(r.err, "(created in buffer_lock_init)")) << r.err;
  EXPECT_TRUE(has(r.err, "created at ")) << r.err;
  EXPECT_TRUE(has(r.err, "c_scenarios.c:")) << r.err;
  RunResult all = under_lockorder(C_SCENARIOS_PATH, {"pool_of_buffers"}, {"-o", "all_instances=1"});
  EXPECT_EQ(count_of(all.err, "WARNING: lockorder: lock-order-inversion"), 10u) << all.err;
}

TEST(Preload, UnlockOfUnheldLock) {  // 18
  RunResult r = cxx("unlock_unheld");
  expect_report(r, "unlock-of-unheld-lock");
  EXPECT_TRUE(has(r.out, "finished"));
}

// A held mutex destroyed: reported (with where it was taken and where it was destroyed), the
// C library's EBUSY passed on, and a new mutex at that memory is a new lock, not a double-lock.
TEST(Preload, DestroyOfHeldLockIsReportedAndTheMemoryIsANewLock) {
  RunResult r = c("destroy_held");
  expect_report(r, "destroy-of-held-lock");
  EXPECT_TRUE(has(r.out, "destroy: EBUSY")) << r.out;
  EXPECT_TRUE(has(r.out, "finished")) << r.out;
  EXPECT_TRUE(has(r.err, "acquired at")) << r.err;
  EXPECT_TRUE(has(r.err, "destroyed at")) << r.err;
  EXPECT_TRUE(has(r.err, "destroy_held")) << r.err;
}

// The runtime cannot see this lock end; the lock itself shows the record is stale.
TEST(Preload, HeldLockMemoryInitializedAgainIsNoDoubleLock) { expect_clean(c("reinit_held")); }

TEST(Preload, UnlockByAnotherThreadFreesTheLockForItsHolder) {
  RunResult r = c("foreign_unlock");
  expect_report(r, "unlock-of-unheld-lock");
  EXPECT_TRUE(has(r.out, "finished")) << r.out;
  EXPECT_TRUE(has(r.err, "the lock is free now")) << r.err;
}

TEST(Preload, ManyThreadsContendedInOneOrder) { expect_clean(cxx("many_threads_contended")); }

TEST(Preload, ErrorCheckingMutexReturnsEdeadlkAndIsReported) {
  RunResult r = c("errorcheck_double_lock");
  expect_report(r, "double-lock");
  EXPECT_TRUE(has(r.out, "second lock: EDEADLK")) << r.out;
}

TEST(Preload, RecursivePthreadMutex) {
  expect_report(c("recursive_then_other"), "lock-order-inversion");
}

TEST(Preload, ReadersQueuedBehindAWaitingWriterDeadlock) {
  RunResult r = c("writer_preferring_deadlock");
  expect_deadlock(r, 3);
  EXPECT_TRUE(has(r.err, "holds rwlock 0x")) << r.err;
}

TEST(Preload, TimedLocksThatTimeOutAreAnInversionNotADeadlock) {
  RunResult r = c("timed_inversion");
  expect_report(r, "lock-order-inversion");
  EXPECT_EQ(count_of(r.out, "timedlock: ETIMEDOUT"), 2u) << r.out;
}

TEST(Preload, ConditionTimedWaitRetakesItsMutex) {
  expect_report(c("cond_timedwait_holding_other"), "lock-order-inversion");
}

// A thread that holds a lock while it waits on a condition variable waits for the wait's mutex.
TEST(Preload, ConditionWaitHoldingALockDeadlocksWithTheMutexHolder) {
  RunResult r = c("cond_wait_deadlock");
  expect_deadlock(r, 2);
  EXPECT_TRUE(has(r.err, "(to return from a condition wait) held by")) << r.err;
  EXPECT_TRUE(has(r.err, "waits on a condition variable, then for mutex 0x")) << r.err;
  // The waits and holds lines name the locks as the cycle line does.
  EXPECT_TRUE(has(r.err, " (a) (blocked ")) << r.err;
  EXPECT_TRUE(has(r.err, " (b), acquired at")) << r.err;
  EXPECT_FALSE(has(r.out, "finished"));
}

TEST(Preload, ForkedChildKeepsWorkingAndReportsOnItsOwn) {
  RunResult r = c("fork_child_keeps_working");
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(has(r.out, "child exited 66")) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "WARNING: lockorder: lock-order-inversion")) << r.err;
  EXPECT_FALSE(has(r.err, "SUMMARY: lockorder: lock-order-inversion mutex") &&
               count_of(r.err, "WARNING: lockorder:") > 1)
      << "only the child reports";
  EXPECT_EQ(r.exit_code, 66) << "a process of the run reported";
}

TEST(Preload, ForkWhileOtherThreadsLock) {
  RunResult r = c("fork_while_busy");
  expect_clean(r);
  EXPECT_TRUE(has(r.out, "children ok: 40 of 40")) << r.out;
}

TEST(Preload, ThreadThatExitsHoldingLocks) {
  RunResult r = c("thread_exits_holding");
  expect_clean(r);
  EXPECT_TRUE(has(r.out, "EBUSY"));
}

TEST(Preload, LibraryLoadedWithDlopen) {
  RunResult r = c("dlopen_inversion", {PLUGIN_PATH});
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "plugin_work")) << r.err;
  EXPECT_TRUE(has(r.err, "plugin.c:")) << r.err;
  EXPECT_TRUE(has(r.err, "(plugin_mu)")) << r.err;
}

TEST(Preload, LocksTakenInStaticConstructors) {
  RunResult r = under_lockorder(STATIC_CONSTRUCTORS_PATH, {});
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "Registry::Registry")) << r.err;
  EXPECT_TRUE(has(r.err, "(config_mu)")) << r.err;
}

TEST(Preload, ProgramBuiltWithClang) {
  if (std::string(CXX_SCENARIOS_CLANG_PATH).empty()) GTEST_SKIP() << "clang++-19 not installed";
  RunResult r = under_lockorder(CXX_SCENARIOS_CLANG_PATH, {"one_thread_inversion"});
  expect_report(r, "lock-order-inversion");
  EXPECT_TRUE(has(r.err, "take_a_then_b")) << r.err;
  expect_clean(under_lockorder(CXX_SCENARIOS_CLANG_PATH, {"reused_address_is_a_new_lock"}));
  RunResult dead = under_lockorder(CXX_SCENARIOS_CLANG_PATH, {"deadlock_two_threads"});
  EXPECT_EQ(dead.exit_code, 66);
  EXPECT_TRUE(has(dead.err, "WARNING: lockorder: deadlock")) << dead.err;
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(PreloadOutput, SarifHasTheResultsAndTheirCodeFlows) {
  fs::path sarif = fs::path(TEST_WORK_DIR) / "inversion.sarif";
  fs::remove(sarif);
  RunResult r = cxx("one_thread_inversion", {"--sarif=" + sarif.string()});
  expect_report(r, "lock-order-inversion");
  ASSERT_TRUE(fs::exists(sarif));
  nlohmann::json doc = read_json(sarif);
  EXPECT_EQ(doc["version"], "2.1.0");
  const auto& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "lockorder-runtime");
  ASSERT_EQ(run["results"].size(), 1u);
  const auto& result = run["results"][0];
  EXPECT_EQ(result["ruleId"], "lock-order-inversion");
  EXPECT_FALSE(result["locations"].empty());
  EXPECT_FALSE(result["codeFlows"].empty());
  EXPECT_TRUE(has(result["codeFlows"].dump(), "cxx_scenarios.cc"));
}

TEST(PreloadOutput, SarifIsWrittenForACleanRunToo) {
  fs::path sarif = fs::path(TEST_WORK_DIR) / "clean.sarif";
  fs::remove(sarif);
  expect_clean(cxx("gate_lock", {"--sarif=" + sarif.string()}));
  ASSERT_TRUE(fs::exists(sarif));
  EXPECT_TRUE(read_json(sarif)["runs"][0]["results"].empty());
}

// The child's file has its process id before the extension (SARIF tools pick files by it), and
// the run exits 66: a process of its tree reported.
TEST(PreloadOutput, ForkedChildWritesItsOwnSarif) {
  fs::path sarif = fs::path(TEST_WORK_DIR) / "fork.sarif";
  for (auto& entry : fs::directory_iterator(TEST_WORK_DIR))
    if (entry.path().filename().string().starts_with("fork.")) fs::remove(entry.path());
  RunResult r = under_lockorder(C_SCENARIOS_PATH, {"fork_child_keeps_working"},
                                {"--sarif=" + sarif.string()});
  EXPECT_EQ(r.exit_code, 66) << r.err;
  EXPECT_TRUE(has(r.err, ") reported:\n  SUMMARY: lockorder: lock-order-inversion")) << r.err;
  ASSERT_TRUE(fs::exists(sarif));
  // The run's log has the child's result too, marked with its process.
  const auto results = read_json(sarif)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u) << "the child's result joins the parent's empty log";
  EXPECT_TRUE(has(results[0]["properties"]["lockorder/process"].get<std::string>(), "c_scenarios"));
  int child_files = 0;
  for (auto& entry : fs::directory_iterator(TEST_WORK_DIR)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("fork.") || name == "fork.sarif") continue;
    ++child_files;
    EXPECT_TRUE(name.ends_with(".sarif")) << name;
    EXPECT_EQ(read_json(entry.path())["runs"][0]["results"].size(), 1u);
  }
  EXPECT_EQ(child_files, 1);
}

// A shell that exits 0 (and, as dash does, without running exit handlers) after a child that
// reported: the run still ends with 66 and lists that child's findings.
TEST(LockorderRun, AChildThatReportedMakesTheRunExit66) {
  RunResult r = under_lockorder(
      "/bin/sh", {"-c", std::string(CXX_SCENARIOS_PATH) + " one_thread_inversion; exit 0"});
  EXPECT_EQ(r.exit_code, 66) << r.err;
  EXPECT_TRUE(has(r.err, "cxx_scenarios) reported:\n  SUMMARY: lockorder: lock-order-inversion"))
      << r.err;
}

TEST(LockorderRun, AChildItCannotCheckIsNamed) {
  RunResult r = under_lockorder("/bin/sh", {"-c", std::string(STATIC_PROGRAM_PATH) + "; exit 0"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "static program ran")) << r.out;
  EXPECT_TRUE(has(r.err, std::string("started ") + STATIC_PROGRAM_PATH +
                             ", which never reported in: it ran unchecked"))
      << r.err;
  RunResult clean =
      under_lockorder("/bin/sh", {"-c", std::string(C_SCENARIOS_PATH) + " reinit_held"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_FALSE(has(clean.err, "lockorder:")) << clean.err;
}

TEST(LockorderRun, RefusesASetuidProgramItCannotCheck) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to make a program setuid to another user";
  const fs::path copy = fs::path(TEST_WORK_DIR) / "setuid_program";
  fs::copy_file(STATIC_CONSTRUCTORS_PATH, copy, fs::copy_options::overwrite_existing);
  ASSERT_EQ(chown(copy.c_str(), 65534, 65534), 0);
  ASSERT_EQ(chmod(copy.c_str(), 04755), 0);
  RunResult r = run_program({LOCKORDER_RUN_PATH, "--", copy.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "is setuid or setgid")) << r.err;
}

TEST(PreloadOutput, LogPathIsNeverWrittenThroughASymbolicLink) {
  const fs::path target = fs::path(TEST_WORK_DIR) / "log_target";
  const fs::path link = fs::path(TEST_WORK_DIR) / "log_link";
  fs::remove(target);
  fs::remove(link);
  {
    std::ofstream(target) << "";
  }
  fs::create_symlink(target, link);
  RunResult r = cxx("one_thread_inversion", {"--log-path=" + link.string()});
  EXPECT_EQ(r.exit_code, 66);
  EXPECT_TRUE(has(r.err, "cannot write log_path")) << r.err;
  EXPECT_TRUE(has(r.err, "symbolic link")) << r.err;
  EXPECT_TRUE(has(r.err, "WARNING: lockorder: lock-order-inversion")) << r.err;  // not lost
  EXPECT_EQ(fs::file_size(target), 0u);
}

TEST(PreloadOutput, DotPictureOfTheGraph) {
  fs::path dot = fs::path(TEST_WORK_DIR) / "graph.dot";
  fs::remove(dot);
  cxx("three_lock_cycle", {"--dot=" + dot.string()});
  std::ifstream in(dot);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(has(text, "digraph")) << text;
  EXPECT_GE(count_of(text, "->"), 3u) << text;
  // Named as the text report names them (their variables), with no empty creation site.
  EXPECT_TRUE(has(text, "::a)")) << text;
  EXPECT_FALSE(has(text, "\\n:0")) << text;
}

TEST(PreloadOutput, LogPathReceivesTheReports) {
  fs::path log = fs::path(TEST_WORK_DIR) / "reports.log";
  fs::remove(log);
  RunResult r = cxx("one_thread_inversion", {"--log-path=" + log.string()});
  EXPECT_EQ(r.exit_code, 66);
  EXPECT_FALSE(has(r.err, "WARNING: lockorder")) << r.err;
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(has(text, "WARNING: lockorder: lock-order-inversion"));
}

TEST(LockorderRun, CommandLineWinsOverTheEnvironment) {
  RunResult r = under_lockorder(CXX_SCENARIOS_PATH, {"one_thread_inversion"}, {"--exitcode=5"},
                                {"LOCKORDER_OPTIONS=exitcode=3"});
  EXPECT_EQ(r.exit_code, 5);
  RunResult env_only = under_lockorder(CXX_SCENARIOS_PATH, {"one_thread_inversion"}, {},
                                       {"LOCKORDER_OPTIONS=exitcode=3"});
  EXPECT_EQ(env_only.exit_code, 3);
}

TEST(LockorderRun, ExitcodeZeroKeepsTheProgramsStatus) {
  EXPECT_EQ(cxx("one_thread_inversion", {"-o", "exitcode=0"}).exit_code, 0);
  EXPECT_EQ(under_lockorder(CXX_SCENARIOS_PATH, {"no_such_scenario"}).exit_code, 2);
}

TEST(LockorderRun, UsageErrorsAreClear) {
  RunResult none = run_program({LOCKORDER_RUN_PATH});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(has(none.err, "no program to run")) << none.err;

  RunResult bad = run_program({LOCKORDER_RUN_PATH, "-o", "on_deadlock=explode", "--", "true"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(has(bad.err, "on_deadlock")) << bad.err;

  RunResult unknown = run_program({LOCKORDER_RUN_PATH, "--frobnicate", "--", "true"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(has(unknown.err, "unknown option '--frobnicate'")) << unknown.err;

  RunResult thrown = run_program({LOCKORDER_RUN_PATH, "--on-report=throw", "--", "true"});
  EXPECT_EQ(thrown.exit_code, 2);

  RunResult missing_dir =
      run_program({LOCKORDER_RUN_PATH, "--sarif=/no/such/dir/x.sarif", "--", "true"});
  EXPECT_EQ(missing_dir.exit_code, 2);
  EXPECT_TRUE(has(missing_dir.err, "does not exist")) << missing_dir.err;

  RunResult not_found = run_program({LOCKORDER_RUN_PATH, "--", "no-such-program-here"});
  EXPECT_EQ(not_found.exit_code, 127);
  EXPECT_TRUE(has(not_found.err, "command not found")) << not_found.err;
}

TEST(LockorderRun, HelpDescribesTheOptions) {
  RunResult r = run_program({LOCKORDER_RUN_PATH, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(has(r.out, "Usage: lockorder-run"));
  EXPECT_TRUE(has(r.out, "--sarif=FILE"));
  EXPECT_TRUE(has(r.out, "--on-deadlock"));
}

TEST(LockorderRun, ProgramFoundOnThePath) {
  RunResult r = run_program({LOCKORDER_RUN_PATH, "--", "sh", "-c", "exit 7"});
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

}  // namespace
}  // namespace lockorder::testing
