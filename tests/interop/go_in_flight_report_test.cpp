// The in-flight verdicts (findings.in_flight: inferred children sets below the in-flight
// bound) are listed by every report, rendered from the analyzer's answer: JSON (per
// docs/report-schema.json), Markdown and HTML, on the busy server's full-rate heap profile
// (tests/data/go/field: about 1,000 requests in flight, each cancelled when done).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "../report/schema_validator.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/suspects.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;

std::string busy_heap() { return interop_test::sh_quote(interop_test::data("go/field/profiles/go1.23/full/busy/heap.pb.gz").string()); }

TEST(GoInFlightReport, JsonListsTheInFlightSetWithItsCountBoundAndTheAnalyzersSentence) {
  const Analysis a = analyze(load_profile(interop_test::data("go/field/profiles/go1.23/full/busy/heap.pb.gz")));
  ASSERT_EQ(a.findings.in_flight.size(), 1u);
  const InFlightSet& set = a.findings.in_flight[0];

  interop_test::TempDir dir;
  const auto r = interop_test::ctxheap(dir, "report --format json " + busy_heap());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const auto errors = ctxheap_test::validate_json(ctxheap_test::report_schema(), j);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors.front());
  const auto& in_flight = j["findings"]["in_flight"];
  ASSERT_EQ(in_flight["count"], 1);
  const auto& item = in_flight["items"][0];
  EXPECT_EQ(item["count"], set.count);
  EXPECT_EQ(item["bound"], FindingOptions::kDefaultInFlightBound);
  EXPECT_EQ(item["sampled"], false);
  EXPECT_EQ(item["sentence"], describe(a, set));
  EXPECT_NE(item["site"]["function"].get<std::string>().find("main.handle"), std::string::npos) << item.dump();
}

TEST(GoInFlightReport, MarkdownAndHtmlListTheInFlightSetUnderFindings) {
  const Analysis a = analyze(load_profile(interop_test::data("go/field/profiles/go1.23/full/busy/heap.pb.gz")));
  ASSERT_EQ(a.findings.in_flight.size(), 1u);
  interop_test::TempDir dir;
  for (const std::string format : {"md", "html"}) {
    const auto r = interop_test::ctxheap(dir, "report --format " + format + " " + busy_heap());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("In-flight sets: 1"), std::string::npos) << format;
    EXPECT_NE(r.out.find("below the in-flight bound (2,000, --in-flight)"), std::string::npos) << format;
  }
}

TEST(GoInFlightReport, NoInFlightSectionWhenEverySetIsDecided) {
  interop_test::TempDir dir;
  const auto leak = interop_test::data("go/field/profiles/go1.23/full/stopper/heap.pb.gz");
  const auto r = interop_test::ctxheap(dir, "report --format json " + interop_test::sh_quote(leak.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["findings"]["in_flight"]["count"], 0);
  const auto md = interop_test::ctxheap(dir, "report --format md " + interop_test::sh_quote(leak.string()));
  EXPECT_EQ(md.out.find("In-flight sets"), std::string::npos);
}

}  // namespace
