// The collector's exit path: the exit snapshot never overlaps a triggered one, a snapshot
// being written when the program exits is finished, and signal storms at exit leave only
// whole, correctly named snapshots. Each case runs a program (programs/) as its own
// process, since all are about what happens at exit. Runs in the release build and under
// ASan and TSan (scripts/test.sh), where the hooks are not the allocator's but the
// lifecycle code is the same.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ctxheap/format/reader.hpp"
#include "../support/temp_dir.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace fmt = ctxheap::format;

struct Spawned {
  pid_t pid = -1;
  int out = -1;  // the program's stdout
};

Spawned spawn_program(const std::string& mode, const fs::path& dir, const fs::path& prefix) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.push_back("CTXHEAP_SNAPSHOT=" + prefix.string());
  env.push_back("CTXHEAP_SIGNAL=10");
  // Under AddressSanitizer the allocator's own registration looks like a leak at exit.
  const char* asan = std::getenv("ASAN_OPTIONS");
  env.push_back(std::string("ASAN_OPTIONS=") + (asan != nullptr && *asan != '\0' ? std::string(asan) + ":" : "") +
                "detect_leaks=0");
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string path = CTXHEAP_EXIT_DURING_SNAPSHOT;
  std::string arg = mode;
  char* argv[] = {path.data(), arg.data(), nullptr};
  int fds[2];
  if (pipe(fds) != 0) return {};
  const fs::path err = dir / "stderr.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  Spawned s;
  if (posix_spawn(&s.pid, path.c_str(), &actions, nullptr, argv, envp.data()) != 0) s.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  s.out = fds[0];
  return s;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string numbered(const std::string& name, int n) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04d.ctxheap", n);
  return name + suffix;
}

// Every file in `dir` other than stderr.txt is prefix.0001 ... prefix.NNNN, whole and
// readable, numbered without gaps, the last one written at exit. Returns N.
int expect_only_whole_numbered_snapshots(const fs::path& dir, const std::string& name) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file != "stderr.txt") files.push_back(file);
  }
  std::sort(files.begin(), files.end());
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i], numbered(name, static_cast<int>(i + 1))) << "a file that is not the next snapshot";
    try {
      const auto snap = fmt::read_snapshot(dir / files[i]);
      EXPECT_EQ(snap.meta.reason, i + 1 == files.size() ? fmt::SnapshotReason::Exit : fmt::SnapshotReason::Signal)
          << files[i];
    } catch (const std::exception& e) {
      ADD_FAILURE() << files[i] << " does not read: " << e.what();
    }
  }
  return static_cast<int>(files.size());
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(Shutdown, ExitWaitsForTheTriggeredSnapshotBeingWrittenThenWritesTheExitSnapshotAfterIt) {
  ctxheap_test::TempDir dir("ctxheap-shutdown");
  Spawned p = spawn_program("pause", dir.path(), dir / "app");
  ASSERT_GT(p.pid, 0);
  close(p.out);
  EXPECT_EQ(wait_exit_code(p.pid), 0) << read_text(dir / "stderr.txt");
  EXPECT_EQ(read_text(dir / "stderr.txt"), "");
  EXPECT_EQ(expect_only_whole_numbered_snapshots(dir.path(), "app"), 2);
}

TEST(Shutdown, SignalStormAtExitLeavesOnlyWholeSnapshotsUnderTheirOwnNames) {
  ctxheap_test::TempDir dir("ctxheap-shutdown-storm");
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> gap_us(300, 2000);
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    const fs::path run_dir = dir / ("run" + std::to_string(run));
    fs::create_directories(run_dir);
    Spawned p = spawn_program("storm", run_dir, run_dir / "app");
    ASSERT_GT(p.pid, 0);
    char byte = 0;
    ASSERT_EQ(read(p.out, &byte, 1), 1);  // the collector's handler is installed
    close(p.out);
    int status = 0;
    int signals = 0;
    while (waitpid(p.pid, &status, WNOHANG) == 0) {
      kill(p.pid, SIGUSR1);
      ++signals;
      std::this_thread::sleep_for(std::chrono::microseconds(gap_us(rng)));
    }
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
    const std::string err = read_text(run_dir / "stderr.txt");
    EXPECT_EQ(err.find("snapshot failed"), std::string::npos) << err;
    EXPECT_GE(expect_only_whole_numbered_snapshots(run_dir, "app"), 1) << signals << " signals";
  }
}

}  // namespace
