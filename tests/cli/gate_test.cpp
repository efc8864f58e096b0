// The CI gate on analyses with known truth: thresholds, suppressions, baselines.
#include <gtest/gtest.h>

#include "errors.hpp"
#include "gate.hpp"
#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;
using ctxheap::cli::Baseline;
using ctxheap::cli::evaluate_gate;
using ctxheap::cli::GateOptions;
using ctxheap::cli::Suppressions;
using ctxheap::cli::Verdict;

Analysis leak_of(int requests) {
  LeakShape shape;
  shape.requests = requests;
  return analyze(leak_profile(shape));
}

TEST(Gate, DefaultWarnsAtOneAndTwoAndFailsAtThree) {
  const GateOptions defaults;
  EXPECT_EQ(evaluate_gate(leak_of(0), defaults, {}, {}).verdict(), Verdict::Pass);
  EXPECT_EQ(evaluate_gate(leak_of(1), defaults, {}, {}).verdict(), Verdict::Warn);
  EXPECT_EQ(evaluate_gate(leak_of(2), defaults, {}, {}).verdict(), Verdict::Warn);
  EXPECT_EQ(evaluate_gate(leak_of(3), defaults, {}, {}).verdict(), Verdict::Fail);
}

TEST(Gate, ZeroTurnsAThresholdOff) {
  GateOptions options;
  options.max_stale = 0;
  options.warn_stale = 0;
  EXPECT_EQ(evaluate_gate(leak_of(50), options, {}, {}).verdict(), Verdict::Pass);
}

TEST(Gate, RetainedBytesAndShare) {
  const Analysis a = leak_of(10);
  GateOptions options;
  options.max_stale = 0;
  options.warn_stale = 0;
  const auto r = evaluate_gate(a, options, {}, {});
  EXPECT_EQ(r.retained_bytes, a.summary.stale_retained.bytes);
  options.max_retained = ctxheap::cli::RetainedLimit{false, r.retained_bytes, 0};
  EXPECT_EQ(evaluate_gate(a, options, {}, {}).verdict(), Verdict::Pass);  // at the limit is not above it
  options.max_retained->bytes = r.retained_bytes - 1;
  EXPECT_EQ(evaluate_gate(a, options, {}, {}).verdict(), Verdict::Fail);
  options.max_retained = ctxheap::cli::RetainedLimit{true, 0, r.retained_share * 0.99};
  EXPECT_TRUE(evaluate_gate(a, options, {}, {}).retained_failed);
}

TEST(Gate, SuppressedSitesAreNotCounted) {
  const Analysis a = leak_of(10);
  for (const char* pattern : {"handle_request", "handle_request(int) handler.cpp:*", "*@handler.cpp", "handler.cpp:88"}) {
    const auto r = evaluate_gate(a, {}, Suppressions::parse(std::string("# known\n\n") + pattern + "\n"), {});
    EXPECT_EQ(r.stale, 0u) << pattern;
    EXPECT_EQ(r.suppressed, 10u) << pattern;
    EXPECT_EQ(r.verdict(), Verdict::Pass) << pattern;
  }
  EXPECT_EQ(evaluate_gate(a, {}, Suppressions::parse("other_function\nhandler.cpp:87*"), {}).stale, 10u);
}

TEST(Gate, BaselineGroupsAreNotCountedButNewOnesAre) {
  const Analysis old_run = leak_of(10);
  const Baseline baseline = Baseline::of(old_run);
  EXPECT_EQ(evaluate_gate(leak_of(40), {}, {}, baseline).stale, 0u);
  LeakShape elsewhere;
  elsewhere.function = "other_handler(int)";
  const auto r = evaluate_gate(analyze(leak_profile(elsewhere)), {}, {}, baseline);
  EXPECT_EQ(r.stale, 150u);
  EXPECT_EQ(r.verdict(), Verdict::Fail);
}

TEST(Gate, BaselineReadsAJsonReportAndItsOwnFormat) {
  const Analysis a = leak_of(10);
  const std::string json = write(report::Format::Json, report::ReportSubject::of(a));
  const Baseline from_report = Baseline::parse(json, "r.json");
  EXPECT_EQ(from_report.size(), 1u);
  EXPECT_TRUE(from_report.contains(a, a.stale_groups[0]));
  const Baseline again = Baseline::parse(from_report.to_json("ctxheap test"), "b.json");
  EXPECT_TRUE(again.contains(a, a.stale_groups[0]));
  EXPECT_THROW(Baseline::parse("{\"schema\": \"other/1\"}", "x.json"), ctxheap::cli::CliError);
  EXPECT_THROW(Baseline::parse("not json", "x.json"), ctxheap::cli::CliError);
}

TEST(Gate, GlobMatching) {
  using ctxheap::cli::glob_match;
  EXPECT_TRUE(glob_match("a*c", "abbbc"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("a*d", "abc"));
  EXPECT_TRUE(glob_match("*x*y*", "..x..y.."));
}

// Found by tests/fuzz (suppressions): a '*' in the pattern was taken as a literal where
// the text held a '*', so "*" failed to match "*handle...".
TEST(Gate, StarInThePatternStaysAWildcardWhereTheTextHoldsAStar) {
  using ctxheap::cli::glob_match;
  EXPECT_TRUE(glob_match("*", "*handle_request"));
  EXPECT_TRUE(glob_match("*request", "*handle_request"));
  EXPECT_TRUE(glob_match("a*c", "a*c"));
  EXPECT_TRUE(glob_match("operator*?", "operator*="));
  EXPECT_FALSE(glob_match("*x", "*y"));
}

}  // namespace
