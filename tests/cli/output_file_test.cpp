// Where -o writes: the names of standard output, regular files replaced whole keeping
// their mode, a symlink's target (not the link), devices and FIFOs in place, an output
// that is one of the inputs refused, and no temporary file left by SIGTERM or SIGINT.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "cli_test_support.hpp"

extern char** environ;

namespace {

using namespace ctxheap_test;
namespace fs = std::filesystem;

std::string snap(const std::string& sample, int n = 2) { return sh_quote(sample_snapshot(sample, n)); }

std::string bytes_of(const fs::path& p) { return read_text(p); }

TEST(OutputFile, TheNamesOfStandardOutputWriteToStandardOutput) {
  TempDir dir;
  for (const char* name : {"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
    SCOPED_TRACE(name);
    const CliRun r = run_ctxheap(dir, std::string("report -o ") + name + " " + snap("handler_leak"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Leak suspects"), std::string::npos) << r.out;
    EXPECT_TRUE(files_in(dir).empty());
  }
  EXPECT_TRUE(fs::is_symlink("/dev/stdout"));
}

TEST(OutputFile, AReplacedFileKeepsItsMode) {
  TempDir dir;
  std::ofstream(dir / "private.txt") << "old";
  fs::permissions(dir / "private.txt", fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_EQ(run_ctxheap(dir, "report -o private.txt " + snap("handler_leak")).exit_code, 0);
  EXPECT_NE(bytes_of(dir / "private.txt").find("Leak suspects"), std::string::npos);
  EXPECT_EQ(fs::status(dir / "private.txt").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"private.txt"}));
}

TEST(OutputFile, ASymlinksTargetIsReplacedNotTheLink) {
  TempDir dir;
  fs::create_directories(dir / "reports");
  std::ofstream(dir / "reports" / "latest.txt") << "old";
  fs::create_symlink("reports/latest.txt", dir / "link.txt");
  ASSERT_EQ(run_ctxheap(dir, "report -o link.txt " + snap("handler_leak")).exit_code, 0);
  EXPECT_TRUE(fs::is_symlink(dir / "link.txt"));
  EXPECT_NE(bytes_of(dir / "reports" / "latest.txt").find("Leak suspects"), std::string::npos);
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"link.txt", "reports"}));
}

TEST(OutputFile, AFifoIsWrittenInPlaceForItsReader) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  auto reader = std::async(std::launch::async, [&] { return bytes_of(dir / "pipe"); });
  ASSERT_EQ(run_ctxheap(dir, "report -o pipe " + snap("handler_leak")).exit_code, 0);
  EXPECT_NE(reader.get().find("Leak suspects"), std::string::npos);
  EXPECT_TRUE(fs::is_fifo(dir / "pipe"));
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"pipe"}));
}

TEST(OutputFile, ACharacterDeviceIsWrittenInPlace) {
  TempDir dir;
  ASSERT_EQ(run_ctxheap(dir, "report -o /dev/null " + snap("handler_leak")).exit_code, 0);
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_TRUE(files_in(dir).empty());
}

TEST(OutputFile, AnOutputThatIsAnInputIsRefusedAndTheInputKept) {
  TempDir dir;
  fs::copy_file(sample_snapshot("handler_leak", 2), dir / "s.ctxheap");
  fs::create_symlink("s.ctxheap", dir / "alias.ctxheap");
  const std::string original = bytes_of(dir / "s.ctxheap");
  for (const char* args : {"report s.ctxheap -o s.ctxheap", "report -f json -o alias.ctxheap s.ctxheap",
                           "convert s.ctxheap -f json -o s.ctxheap", "diff s.ctxheap s.ctxheap -o s.ctxheap",
                           "check --write-baseline s.ctxheap s.ctxheap"}) {
    SCOPED_TRACE(args);
    const CliRun r = run_ctxheap(dir, args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("is also an input"), std::string::npos) << r.err;
    EXPECT_EQ(bytes_of(dir / "s.ctxheap"), original);
    EXPECT_EQ(files_in(dir), (std::vector<std::string>{"alias.ctxheap", "s.ctxheap"}));
  }
}

TEST(OutputFile, ABaselineIsUpdatedInPlace) {
  TempDir dir;
  const std::string leak = snap("handler_leak");
  ASSERT_EQ(run_ctxheap(dir, "check --write-baseline b.json " + leak).exit_code, 1);
  const CliRun r = run_ctxheap(dir, "check --baseline b.json --write-baseline b.json " + leak);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"b.json"}));
}

// SIGTERM or SIGINT while `report -o` waits for standard input: the process dies of the
// signal and leaves no temporary output file behind (standard input is never copied).
TEST(OutputFile, SigtermOrSigintDuringReportLeavesNoTemporaryFile) {
  for (int signo : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(strsignal(signo));
    TempDir dir;
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
    env.push_back("TMPDIR=" + dir.path().string());
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int in[2];
    ASSERT_EQ(pipe(in), 0);
    std::string cli = CTXHEAP_CLI, report = "report", o = "-o", out = (dir / "out.txt").string(), dash = "-";
    char* argv[] = {cli.data(), report.data(), o.data(), out.data(), dash.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, cli.c_str(), &actions, nullptr, argv, envp.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    // A first part of the input arrives, then the sender stalls.
    const std::string head = bytes_of(sample_snapshot("handler_leak", 2)).substr(0, 4096);
    ASSERT_EQ(write(in[1], head.data(), head.size()), static_cast<ssize_t>(head.size()));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (files_in(dir).empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_FALSE(files_in(dir).empty()) << "the temporary output never appeared";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let it reach the read
    kill(pid, signo);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    close(in[1]);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signo) << status;
    EXPECT_TRUE(files_in(dir).empty()) << files_in(dir).front();
  }
}

}  // namespace
