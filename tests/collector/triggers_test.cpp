// Snapshot triggers: signal, period, exit, and the environment that configures them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/format/reader.hpp"
#include "test_support.hpp"

namespace {

namespace fmt = ctxheap::format;

std::filesystem::path numbered(const std::filesystem::path& prefix, int n) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04d.ctxheap", n);
  return prefix.string() + suffix;
}

TEST(Triggers, SignalWritesTheNextNumberedSnapshot) {
  const auto prefix = ctxheap_test::temp_dir("signal") / "app";
  ctxheap::collector::Options o;
  o.snapshot_prefix = prefix.string();
  o.signal = SIGUSR2;
  o.snapshot_at_exit = false;
  ctxheap::collector::configure(o);
  raise(SIGUSR2);
  ASSERT_TRUE(ctxheap_test::eventually([&] { return std::filesystem::exists(numbered(prefix, 1)); }));
  EXPECT_EQ(fmt::read_snapshot(numbered(prefix, 1)).meta.reason, fmt::SnapshotReason::Signal);
}

TEST(Triggers, PeriodWritesSnapshotsRepeatedly) {
  const auto prefix = ctxheap_test::temp_dir("period") / "app";
  ctxheap::collector::Options o;
  o.snapshot_prefix = prefix.string();
  o.period_seconds = 0.2;
  o.snapshot_at_exit = false;
  ctxheap::collector::configure(o);
  // The period ends with the test, also when an assertion returns early: otherwise the
  // collector keeps writing into the directory after it was removed at exit.
  struct PeriodOff {
    ctxheap::collector::Options off;
    ~PeriodOff() { ctxheap::collector::configure(off); }
  } period_off{o};
  period_off.off.period_seconds = 0;
  ASSERT_TRUE(ctxheap_test::eventually([&] { return std::filesystem::exists(numbered(prefix, 2)); }));
  const auto second = fmt::read_snapshot(numbered(prefix, 2));
  EXPECT_EQ(second.meta.reason, fmt::SnapshotReason::Period);
  EXPECT_EQ(second.meta.sequence, 1u);
}

TEST(Triggers, ExitWritesAFinalSnapshot) {
  const auto prefix = ctxheap_test::temp_dir("exit") / "app";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ctxheap::collector::Options o;
    o.snapshot_prefix = prefix.string();
    ctxheap::collector::configure(o);
    std::exit(0);  // runs atexit handlers
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_TRUE(std::filesystem::exists(numbered(prefix, 1)));
  EXPECT_EQ(fmt::read_snapshot(numbered(prefix, 1)).meta.reason, fmt::SnapshotReason::Exit);
}

TEST(Triggers, EnvironmentConfiguresEveryTrigger) {
  setenv("CTXHEAP_SNAPSHOT", "/tmp/some/prefix", 1);
  setenv("CTXHEAP_SIGNAL", "12", 1);
  setenv("CTXHEAP_PERIOD", "2.5", 1);
  setenv("CTXHEAP_SAMPLE", "4096", 1);
  auto o = ctxheap::collector::options_from_environment();
  EXPECT_EQ(o.snapshot_prefix, "/tmp/some/prefix");
  EXPECT_EQ(o.signal, 12);
  EXPECT_DOUBLE_EQ(o.period_seconds, 2.5);
  EXPECT_EQ(o.sample_interval, 4096u);
  setenv("CTXHEAP_SIGNAL", "twelve", 1);
  setenv("CTXHEAP_PERIOD", "-1", 1);
  setenv("CTXHEAP_SAMPLE", "12x", 1);
  o = ctxheap::collector::options_from_environment();
  EXPECT_EQ(o.signal, 0);
  EXPECT_EQ(o.period_seconds, 0.0);
  EXPECT_EQ(o.sample_interval, 512u * 1024u);
}

TEST(Triggers, FaultAndUncatchableSignalsAreRefusedWithAReason) {
  for (int signo : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGKILL, SIGSTOP}) {
    SCOPED_TRACE(signo);
    setenv("CTXHEAP_SIGNAL", std::to_string(signo).c_str(), 1);
    EXPECT_EQ(ctxheap::collector::options_from_environment().signal, 0);
    EXPECT_NE(ctxheap::collector::signal_refusal(signo).find("use SIGUSR1"), std::string::npos);
    ctxheap::collector::Options o;
    o.signal = signo;
    o.snapshot_at_exit = false;
    EXPECT_THROW(ctxheap::collector::configure(o), std::invalid_argument);
  }
  EXPECT_EQ(ctxheap::collector::signal_refusal(SIGUSR1), "");
  EXPECT_EQ(ctxheap::collector::signal_refusal(SIGUSR2), "");
  unsetenv("CTXHEAP_SIGNAL");
}

TEST(Triggers, ARealSegfaultWithSignalElevenConfiguredWritesNoSnapshot) {
  const auto dir = ctxheap_test::temp_dir("segv");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("CTXHEAP_SIGNAL", "11", 1);
    setenv("CTXHEAP_SNAPSHOT", (dir / "app").c_str(), 1);
    auto o = ctxheap::collector::options_from_environment();
    o.snapshot_at_exit = false;
    ctxheap::collector::configure(o);
    raise(SIGSEGV);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a snapshot would be written now
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) << status;
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

}  // namespace
