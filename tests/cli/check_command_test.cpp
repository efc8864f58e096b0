// ctxheap check end to end on the samples: the default gate, thresholds, baselines and
// suppressions, and exit codes 1 and 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "cli_test_support.hpp"

namespace {

using namespace ctxheap_test;

std::string snap(const std::string& sample, int n = 2) { return sh_quote(sample_snapshot(sample, n)); }

TEST(CheckCommand, FailsOnHandlerLeakNamingTheSuspect) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "check " + snap("handler_leak"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  20,000 stale child entries (warn at >= 1, fail at >= 3)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1. Context #16 \"server\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ctxheap check: FAILED: 20,000 stale child entries (fail at >= 3)"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CheckCommand, PassesOnTheNegativeControls) {
  TempDir dir;
  for (const char* sample : {"handler_fixed", "timeout_ok", "cache_bounded"}) {
    const CliRun r = run_ctxheap(dir, "check " + snap(sample));
    EXPECT_EQ(r.exit_code, 0) << sample << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("ctxheap check: passed"), std::string::npos) << r.out;
  }
}

TEST(CheckCommand, SeriesGatesTheLatestSnapshot) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "check " + snap("handler_leak", 1) + " " + snap("handler_leak", 2));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("(latest of 2 snapshots)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the set grew by 10,000 since the previous snapshot"), std::string::npos) << r.out;
}

TEST(CheckCommand, BelowTheFailThresholdItWarnsAndPasses) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "check --max-stale 30000 " + snap("handler_leak"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("WARN  20,000 stale child entries (warn at >= 1, fail at >= 30000)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ctxheap check: passed with a warning"), std::string::npos) << r.out;
}

TEST(CheckCommand, MaxRetainedInBytesOrPercent) {
  if (!allocations_counted(sample_snapshot("handler_leak", 2))) GTEST_SKIP() << "no allocations counted (sanitizer build)";
  TempDir dir;
  const std::string off = "check --max-stale 0 --warn-stale 0 ";
  EXPECT_EQ(run_ctxheap(dir, off + "--max-retained 1GiB " + snap("handler_leak")).exit_code, 0);
  const CliRun bytes = run_ctxheap(dir, off + "--max-retained 10MiB " + snap("handler_leak"));
  EXPECT_EQ(bytes.exit_code, 1);
  EXPECT_NE(bytes.out.find("(fail above 10.0 MiB)"), std::string::npos) << bytes.out;
  EXPECT_EQ(run_ctxheap(dir, off + "--max-retained 10% " + snap("handler_leak")).exit_code, 1);
  EXPECT_EQ(run_ctxheap(dir, off + "--max-retained 100% " + snap("handler_leak")).exit_code, 0);
}

TEST(CheckCommand, AJsonReportAsBaselineLetsKnownSuspectsPass) {
  TempDir dir;
  ASSERT_EQ(run_ctxheap(dir, "report -o old.json " + snap("handler_leak", 1)).exit_code, 0);
  const CliRun r = run_ctxheap(dir, "check --baseline old.json " + snap("handler_leak"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("20,000 entries in groups known to the baseline not counted"), std::string::npos) << r.out;
}

TEST(CheckCommand, WrittenBaselineWorksOnTheNextRun) {
  TempDir dir;
  EXPECT_EQ(run_ctxheap(dir, "check --write-baseline known.json " + snap("handler_leak", 1)).exit_code, 1);
  EXPECT_NE(read_text(dir / "known.json").find("\"schema\": \"ctxheap-baseline/1\""), std::string::npos);
  EXPECT_EQ(run_ctxheap(dir, "check --baseline known.json " + snap("handler_leak")).exit_code, 0);
}

TEST(CheckCommand, SuppressedSitesPass) {
  TempDir dir;
  std::ofstream(dir / "suppress.txt") << "# the sample leaks on purpose\nhandle_request*handler_leak.cpp*\n";
  const CliRun r = run_ctxheap(dir, "check --suppress suppress.txt " + snap("handler_leak"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("20,000 entries at suppressed sites not counted"), std::string::npos) << r.out;
}

TEST(CheckCommand, AnUnreadableBaselineIsBadInput) {
  TempDir dir;
  std::ofstream(dir / "bad.json") << "{\"schema\": \"something-else/1\"}";
  const CliRun r = run_ctxheap(dir, "check --baseline bad.json " + snap("handler_leak"));
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_EQ(r.err_lines()[0].rfind("ctxheap: bad.json: not a ctxheap report or baseline", 0), 0u) << r.err;
}

}  // namespace

namespace {

/// A gperftools heap dump whose one site holds `inuse` bytes (header totals cumulative).
void write_dump(const std::filesystem::path& path, std::uint64_t inuse, std::uint64_t allocated) {
  std::ofstream(path) << "heap profile:    10: " << inuse << " [ 100: " << allocated << "] @ heapprofile\n"
                      << "    10: " << inuse << " [ 100: " << allocated << "] @ 0x401010 0x401020\n\n"
                      << "MAPPED_LIBRARIES:\n00400000-00500000 r-xp 00000000 08:01 123 /usr/bin/app\n";
}

TEST(CheckCommand, AGperftoolsSeriesGatesOnGrowthAndSaysSo) {
  TempDir dir;
  write_dump(dir / "app.0001.heap", 1 << 20, 4 << 20);
  write_dump(dir / "app.0002.heap", 4 << 20, 9 << 20);
  write_dump(dir / "app.0003.heap", 8 << 20, 16 << 20);
  const CliRun r = run_ctxheap(dir, "check " + sh_quote((dir / "app.0003.heap").string()) + " " +
                                        sh_quote((dir / "app.0001.heap").string()) + " " + sh_quote((dir / "app.0002.heap").string()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("has no contexts, so no stale entries to count; gated on: growth of allocation sites"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL  1 allocation site growing over 3 snapshots"), std::string::npos) << r.out;
}

TEST(CheckCommand, OneGperftoolsDumpNeverPassesSilently) {
  TempDir dir;
  write_dump(dir / "app.0001.heap", 1 << 20, 4 << 20);
  const CliRun r = run_ctxheap(dir, "check --max-inuse 512KiB " + sh_quote((dir / "app.0001.heap").string()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("has no contexts"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("one snapshot shows no growth"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL  1.0 MiB in use (fail above 512.0 KiB)"), std::string::npos) << r.out;
}

TEST(CheckCommand, ASeriesMixingRunsExitsTwoWithOneLine) {
  TempDir dir;
  write_dump(dir / "pymalloc.0001.heap", 1 << 20, 4 << 20);
  write_dump(dir / "malloc.0002.heap", 2 << 20, 8 << 20);
  const CliRun r = run_ctxheap(dir, "check " + sh_quote((dir / "pymalloc.0001.heap").string()) + " " +
                                        sh_quote((dir / "malloc.0002.heap").string()));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("not from the same run"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
