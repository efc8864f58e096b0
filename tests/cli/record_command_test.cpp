// ctxheap record: any program, run under the preloaded shared collector, writes snapshots
// the CLI reads; a program with no contexts gets a whole-process profile whose allocation
// count matches gperftools' HEAPPROFILE on the same deterministic workload.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_test_support.hpp"
#include "ctxheap/format/reader.hpp"

namespace {

using namespace ctxheap_test;

const std::string kWorkload = "env PYTHONMALLOC=malloc PYTHONHASHSEED=0 python3 -I -S " + sh_quote(CTXHEAP_RECORD_WORKLOAD);

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
  const std::uint64_t theirs = heapprofile_alloc_objects(dir / "hp.0001.heap");
  ASSERT_GT(theirs, 100000u);
  // Objects are compared (bytes differ: gperftools counts requested bytes, the no-context
  // bucket tcmalloc's size-class bytes).
  const double ratio = static_cast<double>(ours) / static_cast<double>(theirs);
  EXPECT_NEAR(ratio, 1.0, 0.01) << "ctxheap " << ours << " vs HEAPPROFILE " << theirs;

  // And the CLI reads it.
  const CliRun report = run_ctxheap(dir, "report py.0001.ctxheap");
  EXPECT_EQ(report.exit_code, 0) << report.err;
}

TEST(Record, AProgramThatCannotStartIsOneLineAndExitTwo) {
  TempDir dir;
  for (const std::string& args : {std::string("record -- ./no-such-program"), std::string("record"),
                                  std::string("record -o missing-dir/x -- true"), std::string("record --signal 99 -- true")}) {
    const CliRun r = run_ctxheap(dir, args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.err_lines().size(), 1u) << args << "\n" << r.err;
    EXPECT_TRUE(files_in(dir).empty()) << args;
  }
}

TEST(Record, TheProgramsExitStatusIsPassedThrough) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "record -o out -- sh -c 'exit 7'");
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

}  // namespace
