// ctxheap record: any program, run under the preloaded shared collector, writes snapshots
// the CLI reads; a program with no contexts gets a whole-process profile whose allocation
// count matches gperftools' HEAPPROFILE on the same deterministic workload.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_dir.hpp"
#include "ctxheap/format/reader.hpp"

namespace {

using ctxheap_test::TempDir;

std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CliRun {
  int exit_code = -1;
  std::string out, err;
  std::size_t err_lines() const { return static_cast<std::size_t>(std::count(err.begin(), err.end(), '\n')); }
};

// Runs `ctxheap <args>` in dir; its output goes outside dir, so dir holds only what it wrote.
CliRun run_ctxheap(const TempDir& dir, const std::string& args) {
  const auto out = dir.path().string() + ".stdout";
  const auto err = dir.path().string() + ".stderr";
  const std::string cmd = "cd " + sh_quote(dir.path().string()) + " && " + sh_quote(CTXHEAP_CLI) + " " + args + " > " +
                          sh_quote(out) + " 2> " + sh_quote(err) + " < /dev/null";
  const int status = std::system(cmd.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_text(out);
  run.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return run;
}

bool empty_dir(const TempDir& dir) { return std::filesystem::is_empty(dir.path()); }

// Debian's python3 (not a version manager's shim, which would run more programs).
const std::string kWorkload = std::string("env PYTHONMALLOC=malloc PYTHONHASHSEED=0 ") + sh_quote(CTXHEAP_PYTHON3) + " -S " +
                              sh_quote(CTXHEAP_RECORD_WORKLOAD);

// The allocated object count in a gperftools heap profile's header:
// "heap profile: <inuse objs>: <inuse bytes> [ <alloc objs>: <alloc bytes>] @ heapprofile".
std::uint64_t heapprofile_alloc_objects(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string header;
  std::getline(in, header);
  unsigned long long inuse_objects = 0, inuse_bytes = 0, alloc_objects = 0, alloc_bytes = 0;
  if (std::sscanf(header.c_str(), "heap profile: %llu: %llu [ %llu: %llu]", &inuse_objects, &inuse_bytes,
                  &alloc_objects, &alloc_bytes) != 4)
    return 0;
  return alloc_objects;
}

TEST(Record, AProgramWithoutContextsGetsAWholeProcessProfileMatchingHeapprofile) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "record -o py -- " + kWorkload);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("47697"), std::string::npos) << r.out;  // the program's own output
  const auto snapshot = dir / "py.0001.ctxheap";
  ASSERT_TRUE(std::filesystem::exists(snapshot)) << r.err;
  const auto snap = ctxheap::format::read_snapshot(snapshot);
  const std::uint64_t ours = snap.totals.no_context_alloc_objects;

  // The same workload under gperftools' heap profiler (tcmalloc preloaded, as record does).
  const std::string hp = "cd " + sh_quote(dir.path().string()) + " && env LD_PRELOAD=" + sh_quote(CTXHEAP_TCMALLOC_SO) +
                         " HEAPPROFILE=hp " + kWorkload + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(hp.c_str()), 0);
  // gperftools names the dump hp.0001.heap, or hp_<pid>.0001.heap in a process it considers a child.
  std::filesystem::path dump;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("hp", 0) == 0 && e.path().extension() == ".heap") dump = e.path();
  ASSERT_FALSE(dump.empty());
  const std::uint64_t theirs = heapprofile_alloc_objects(dump);
  ASSERT_GT(theirs, 100000u);
  // Objects are compared (bytes differ: gperftools counts requested bytes, the no-context
  // bucket tcmalloc's size-class bytes).
  const double ratio = static_cast<double>(ours) / static_cast<double>(theirs);
  EXPECT_NEAR(ratio, 1.0, 0.01) << "ctxheap " << ours << " vs HEAPPROFILE " << theirs;

  // And the CLI reads it.
  const CliRun report = run_ctxheap(dir, "report py.0001.ctxheap");
  EXPECT_EQ(report.exit_code, 0) << report.err;
}

// Two named threads of a program with no contexts: one keeps its 2,000 blocks, the other
// drops them; the program asks for a snapshot (--signal) while the kept ones are live.
constexpr const char* kThreadsWorkload = R"(
import ctypes, os, threading, time
libc = ctypes.CDLL(None)
keep = []
def work(name, hold):
    libc.prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME
    blocks = [bytearray(4096) for _ in range(2000)]
    if hold:
        keep.append(blocks)
threads = [threading.Thread(target=work, args=("holder", True)), threading.Thread(target=work, args=("dropper", False))]
for t in threads: t.start()
for t in threads: t.join()
os.kill(os.getpid(), 12)
for _ in range(600):
    if os.path.exists("th.0001.ctxheap"): break
    time.sleep(0.05)
)";

TEST(Record, AProgramWithoutContextsHasItsHeapSplitByTheThreadThatAllocated) {
  TempDir dir;
  { std::ofstream(dir / "threads.py") << kThreadsWorkload; }
  const CliRun r = run_ctxheap(dir, "record -o th --signal 12 -- env PYTHONMALLOC=malloc " + sh_quote(CTXHEAP_PYTHON3) +
                                        " -S threads.py");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto snap = ctxheap::format::read_snapshot(dir / "th.0001.ctxheap");
  const ctxheap::format::ThreadTotals* holder = nullptr;
  const ctxheap::format::ThreadTotals* dropper = nullptr;
  for (const auto& t : snap.totals.no_context_threads) {
    if (snap.strings.at(t.name) == "holder") holder = &t;
    if (snap.strings.at(t.name) == "dropper") dropper = &t;
  }
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(dropper, nullptr);
  EXPECT_TRUE(holder->exited);
  EXPECT_GE(holder->alloc_bytes - holder->freed_bytes, 2000u * 4096);
  EXPECT_GE(dropper->alloc_bytes, 2000u * 4096);
  EXPECT_LT(dropper->alloc_bytes - dropper->freed_bytes, 2000u * 4096 / 4);

  const CliRun report = run_ctxheap(dir, "report th.0001.ctxheap");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto section = report.out.find("Heap with no context, by thread");
  ASSERT_NE(section, std::string::npos) << report.out;
  EXPECT_LT(report.out.find("holder (tid ", section), report.out.find("dropper (tid ", section)) << report.out;
}

TEST(Record, AProgramThatCannotStartIsOneLineAndExitTwo) {
  TempDir dir;
  for (const std::string& args : {std::string("record -- ./no-such-program"), std::string("record"),
                                  std::string("record -o missing-dir/x -- true"), std::string("record --signal 99 -- true")}) {
    const CliRun r = run_ctxheap(dir, args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.err_lines(), 1u) << args << "\n" << r.err;
    EXPECT_TRUE(empty_dir(dir)) << args;
  }
}

TEST(Record, TheProgramsExitStatusIsPassedThrough) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "record -o out -- sh -c 'exit 7'");
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

}  // namespace
