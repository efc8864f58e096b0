// A baseline written from a snapshot whose site keys hold invalid UTF-8 (file and
// function names are bytes) is valid JSON, and reading it back accepts the same groups;
// so does a JSON report of the same snapshot used as a baseline.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "baseline.hpp"
#include "ctxheap/analyzer/all.hpp"
#include "ctxheap/report/report.hpp"
#include "hostile_snapshot.hpp"

namespace {

namespace fs = std::filesystem;

ctxheap::analyzer::Analysis hostile_analysis() {
  const fs::path dir = fs::temp_directory_path() / ("ctxheap-baseline-keys-" + std::to_string(getpid()));
  fs::create_directories(dir);
  ctxheap_test::write_hostile_snapshot(dir / "hostile.ctxheap", ctxheap_test::hostile_text());
  auto analysis = ctxheap::analyzer::analyze(ctxheap::analyzer::load_profile(dir / "hostile.ctxheap"));
  fs::remove_all(dir);
  return analysis;
}

// Found by the hostile-strings tests: --write-baseline failed with nlohmann's "invalid
// UTF-8 byte" and exit 2 on such a snapshot.
TEST(BaselineKeys, InvalidUtf8SiteKeysRoundTripThroughABaselineFile) {
  const auto analysis = hostile_analysis();
  ASSERT_EQ(analysis.stale_groups.size(), 1u);
  const auto written = ctxheap::cli::Baseline::of(analysis);
  const auto read = ctxheap::cli::Baseline::parse(written.to_json("test"), "baseline.json");
  EXPECT_EQ(read.size(), 1u);
  EXPECT_TRUE(read.contains(analysis, analysis.stale_groups.front()));
}

TEST(BaselineKeys, AJsonReportWithInvalidUtf8KeysServesAsABaseline) {
  const auto analysis = hostile_analysis();
  ASSERT_EQ(analysis.stale_groups.size(), 1u);
  std::ostringstream json;
  ctxheap::report::write_report(json, ctxheap::report::Format::Json, ctxheap::report::ReportSubject::of(analysis));
  const auto baseline = ctxheap::cli::Baseline::parse(json.str(), "report.json");
  EXPECT_TRUE(baseline.contains(analysis, analysis.stale_groups.front()));
}

}  // namespace
