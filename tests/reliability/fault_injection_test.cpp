// Fault injection: snapshots and reports written into a full filesystem (a small tmpfs:
// ENOSPC) and a read-only one (a read-only tmpfs: root writes into a 0555 directory).
// Each case asserts that the writer says so in one line, that no file under a final name
// is partial, and that nothing is left behind. Mounting needs CAP_SYS_ADMIN (CI runs as
// root); where it is not permitted the tests skip with a message.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ctxheap/format/reader.hpp"
#include "../support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

// A tmpfs mounted on a fresh directory for the test's lifetime.
class TmpfsMount {
 public:
  TmpfsMount(const fs::path& dir, unsigned long flags, const char* options) : dir_(dir) {
    fs::create_directories(dir_);
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", flags, options) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string error_;
};

#define MOUNT_OR_SKIP(mount) \
  if (!(mount).mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << (mount).error() << "): fault injection skipped"

struct ProgramRun {
  int exit_code = -1;
  std::vector<std::string> err_lines;
};

ProgramRun run(const std::string& command, const fs::path& err) {
  const int status = std::system((command + " > /dev/null 2> '" + err.string() + "'").c_str());
  ProgramRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(err);
  for (std::string line; std::getline(in, line);) r.err_lines.push_back(line);
  fs::remove(err);
  return r;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// Whatever is in `dir` is a whole snapshot under its final name: no temporary files.
void expect_only_whole_snapshots(const fs::path& dir) {
  for (const std::string& name : names_in(dir)) {
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << "left behind: " << name;
    EXPECT_NO_THROW(ctxheap::format::read_snapshot(dir / name)) << name;
  }
}

const std::string kHandlerLeak = std::string(CTXHEAP_SAMPLES_DIR) + "/handler_leak";

TEST(FaultInjection, SnapshotsIntoAReadOnlyMountAreOneLineEachAndTheProgramGoesOn) {
  const ctxheap_test::TempDir dir("ctxheap-fault-ro");
  TmpfsMount ro(dir / "ro", MS_RDONLY, "size=1m");
  MOUNT_OR_SKIP(ro);
  const ProgramRun r = run(kHandlerLeak + " --requests 200 --out '" + (dir / "ro" / "app").string() + "'", dir / "err");
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.err_lines.size(), 2u);  // the sample takes two snapshots
  for (const auto& line : r.err_lines) EXPECT_NE(line.find("snapshot failed"), std::string::npos) << line;
  EXPECT_TRUE(names_in(dir / "ro").empty());
}

TEST(FaultInjection, SnapshotsIntoAFullFilesystemLeaveNoPartialFile) {
  const ctxheap_test::TempDir dir("ctxheap-fault-full");
  TmpfsMount full(dir / "full", 0, "size=16k");
  MOUNT_OR_SKIP(full);
  const ProgramRun r = run(kHandlerLeak + " --requests 4000 --out '" + (dir / "full" / "app").string() + "'", dir / "err");
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_FALSE(r.err_lines.empty());
  for (const auto& line : r.err_lines) EXPECT_NE(line.find("snapshot failed"), std::string::npos) << line;
  expect_only_whole_snapshots(dir / "full");
}

TEST(FaultInjection, ReportsIntoAFullOrReadOnlyFilesystemExitTwoAndLeaveNothing) {
  const ctxheap_test::TempDir dir("ctxheap-fault-report");
  const ProgramRun made = run(kHandlerLeak + " --requests 4000 --out '" + (dir / "app").string() + "'", dir / "err");
  ASSERT_EQ(made.exit_code, 0);
  const std::string snapshot = (dir / "app.0002.ctxheap").string();
  TmpfsMount full(dir / "full", 0, "size=16k");
  MOUNT_OR_SKIP(full);
  TmpfsMount ro(dir / "ro", MS_RDONLY, "size=1m");
  MOUNT_OR_SKIP(ro);
  for (const char* where : {"full", "ro"}) {
    SCOPED_TRACE(where);
    const fs::path out = dir / where / "report.json";
    const ProgramRun r = run(std::string(CTXHEAP_CLI) + " report -f json -o '" + out.string() + "' '" + snapshot + "'", dir / "err");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err_lines.size(), 1u);
    EXPECT_TRUE(names_in(dir / where).empty());
  }
}

}  // namespace
