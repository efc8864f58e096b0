// Crash safety: a process killed with SIGKILL at a random moment while it writes
// snapshots never leaves a partial file under a final name, and the snapshot it
// replaced still reads. 100 kills, each at a moment drawn uniformly over a few write
// durations, so they land before, inside (write, fsync, rename) and between writes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "ctxheap/format/error.hpp"
#include "ctxheap/format/reader.hpp"
#include "../support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kKills = 100;
constexpr int kContexts = 2000;

// The child: builds a context tree big enough that a snapshot takes a while, says so
// on `ready`, then writes snapshots to `path` until it is killed, one byte per finished
// snapshot.
[[noreturn]] void snapshot_forever(const fs::path& path, int ready) {
  auto [root, stop] = ctxheap::with_cancel(ctxheap::background(), "root");
  std::vector<ctxheap::CancelableContext> children;
  children.reserve(kContexts);
  for (int i = 0; i < kContexts; ++i) children.push_back(ctxheap::with_cancel(root, "child"));
  const char byte = 'r';
  if (write(ready, &byte, 1) != 1) _exit(3);
  for (;;) {
    ctxheap::collector::write_snapshot(path.string(), "crash-safety");
    if (write(ready, &byte, 1) != 1) _exit(3);
  }
}

struct Child {
  pid_t pid = -1;
  int from_child = -1;
};

Child start_child(const fs::path& path) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    snapshot_forever(path, fds[1]);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

bool read_byte(int fd) {
  char byte;
  return read(fd, &byte, 1) == 1;
}

void kill_and_reap(Child& child) {
  kill(child.pid, SIGKILL);
  int status = 0;
  waitpid(child.pid, &status, 0);
  close(child.from_child);
}

TEST(CrashSafety, SigkillAtRandomMomentsNeverLeavesAPartialSnapshotAndThePreviousOneStillReads) {
  const ctxheap_test::TempDir scoped("ctxheap-crash-safety");  // removed even when the test fails
  const fs::path& dir = scoped.path();
  const fs::path final_path = dir / "app.ctxheap";
  const std::string temp_prefix = final_path.filename().string() + ".tmp.";

  // The first snapshot, and how long one write takes (to spread the kills over).
  Child first = start_child(final_path);
  ASSERT_GT(first.pid, 0);
  ASSERT_TRUE(read_byte(first.from_child));  // contexts built
  const auto started = Clock::now();
  ASSERT_TRUE(read_byte(first.from_child));  // one snapshot written
  const auto one_write = Clock::now() - started;
  kill_and_reap(first);
  ASSERT_NO_THROW(ctxheap::format::read_snapshot(final_path));

  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const auto window = std::chrono::duration_cast<std::chrono::microseconds>(one_write * 3);
  std::uniform_int_distribution<long long> moment(0, window.count());

  int killed_mid_write = 0;
  for (int round = 0; round < kKills; ++round) {
    SCOPED_TRACE("kill " + std::to_string(round));
    Child child = start_child(final_path);
    ASSERT_GT(child.pid, 0);
    ASSERT_TRUE(read_byte(child.from_child));
    std::this_thread::sleep_for(std::chrono::microseconds(moment(rng)));
    kill_and_reap(child);

    // Under the final name: a whole snapshot (this round's or an earlier one), never
    // part of one. Anything else is the killed writer's temporary file.
    ASSERT_TRUE(fs::exists(final_path));
    try {
      const auto snapshot = ctxheap::format::read_snapshot(final_path);
      EXPECT_GE(snapshot.contexts.size(), static_cast<std::size_t>(kContexts));
    } catch (const ctxheap::format::FormatError& e) {
      FAIL() << "the file under the final name does not read: " << e.what();
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name == final_path.filename().string()) continue;
      EXPECT_EQ(name.rfind(temp_prefix, 0), 0u) << "unexpected file " << name;
      ++killed_mid_write;
      fs::remove(entry.path());
    }
  }
  // The kills did land inside writes (a temporary file was left behind), not only
  // between them.
  EXPECT_GT(killed_mid_write, 0);
  std::printf("crash safety: %d kills, %d inside a write (one write takes %lld ms)\n", kKills, killed_mid_write,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(one_write).count()));
}

}  // namespace
