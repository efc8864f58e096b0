// The collector inside programs that do awkward things: exit while static objects that
// own contexts are destroyed and a thread still allocates, and other malloc hooks
// installed before and after the collector's. Each runs as its own process (programs/),
// since both are about what happens at load and exit time.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ctxheap/format/reader.hpp"
#include "../support/temp_dir.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct ProgramRun {
  int exit_code = -1;
  std::string err;
};

ProgramRun run_program(const std::string& program, const fs::path& dir, const std::vector<std::string>& env_extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.insert(env.end(), env_extra.begin(), env_extra.end());
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string path = program;
  char* argv[] = {path.data(), nullptr};
  const fs::path err = dir / "stderr.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  ProgramRun run;
  if (posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, envp.data()) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  std::ifstream in(err);
  std::ostringstream text;
  text << in.rdbuf();
  run.err = text.str();
  return run;
}

TEST(Robustness, ExitSnapshotIsCompleteWhileStaticsAreDestroyedAndAThreadStillAllocates) {
  const ctxheap_test::TempDir scoped("ctxheap-static-destruction");  // removed even when the test fails
  const fs::path& dir = scoped.path();
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE("run " + std::to_string(round));
    const fs::path prefix = dir / ("run" + std::to_string(round));
    const ProgramRun run = run_program(CTXHEAP_STATIC_DESTRUCTION, dir, {"CTXHEAP_SNAPSHOT=" + prefix.string()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err.find("snapshot failed"), std::string::npos) << run.err;
    const fs::path snapshot = prefix.string() + ".0001.ctxheap";
    ASSERT_TRUE(fs::exists(snapshot));
    const auto s = ctxheap::format::read_snapshot(snapshot);
    EXPECT_EQ(s.meta.reason, ctxheap::format::SnapshotReason::Exit);
    std::vector<std::string> names;
    for (const auto& c : s.contexts) names.push_back(s.strings.at(c.name));
    for (const char* name : {"static-holder", "function-static-holder", "outliving-thread"}) {
      EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    }
  }
}

TEST(Robustness, MallocHooksInstalledBeforeAndAfterTheCollectorAllSeeEveryAllocation) {
  const ctxheap_test::TempDir scoped("ctxheap-other-hooks");  // removed even when the test fails
  const fs::path& dir = scoped.path();
  const ProgramRun run = run_program(CTXHEAP_OTHER_HOOKS, dir, {});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST(Robustness, MallocHooksSeeTheProgramsOwnSizesWhenOwnersAreKeptInTheSideTable) {
  const ctxheap_test::TempDir scoped("ctxheap-other-hooks-table");  // removed even when the test fails
  const ProgramRun run = run_program(CTXHEAP_OTHER_HOOKS, scoped.path(), {"CTXHEAP_EXACT_OWNER=table"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

}  // namespace
