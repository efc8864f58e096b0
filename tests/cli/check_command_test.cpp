// ctxheap check end to end on the samples: the default gate, thresholds, baselines and
// suppressions, and exit codes 1 and 0.
#include <gtest/gtest.h>

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
