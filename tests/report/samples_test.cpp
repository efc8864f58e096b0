// Every writer on real snapshots of the sample programs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report_test_support.hpp"
#include "schema_validator.hpp"

namespace {

using namespace ctxheap_test;

TEST(SampleReports, HandlerLeakTextNamesTheLeakInOneSentence) {
  const Analysis a = analyze(load_profile(sample_snapshot("handler_leak", 2)));
  const std::string text = write(report::Format::Text, report::ReportSubject::of(a));
  EXPECT_NE(text.find("  1. Context #16 \"server\" (created at main handler_leak.cpp:"), std::string::npos) << text;
  EXPECT_NE(text.find("holds 20,000 uncancelled children created at handle_request("), std::string::npos) << text;
}

TEST(SampleReports, EveryFormatWritesForEverySample) {
  for (const char* sample : {"handler_leak", "handler_fixed", "timeout_ok", "fanout_leak", "cache_bounded"}) {
    const Analysis a = analyze(load_profile(sample_snapshot(sample, 2)));
    const auto subject = report::ReportSubject::of(a);
    // Folded stacks of a sample with nothing in use are rightly empty.
    for (auto format : {report::Format::Text, report::Format::Json, report::Format::Markdown, report::Format::Html,
                        report::Format::Pprof})
      EXPECT_FALSE(write(format, subject).empty()) << sample << " " << report::to_string(format);
    report::ReportOptions allocated;
    allocated.sample_index = report::SampleIndex::AllocSpace;
    if (allocations_counted(sample_snapshot(sample, 2))) {
      EXPECT_FALSE(write(report::Format::Folded, subject, allocated).empty()) << sample;
    }
    const auto errors = validate_json(report_schema(), nlohmann::json::parse(write(report::Format::Json, subject)));
    for (const auto& e : errors) ADD_FAILURE() << sample << ": " << e;
    const std::string html = write(report::Format::Html, subject);
    EXPECT_EQ(html.find("http:"), std::string::npos) << sample;
    EXPECT_EQ(html.find("https:"), std::string::npos) << sample;
  }
}

TEST(SampleReports, SeriesAndDiffOfTheSamplesConformToTheSchema) {
  const SeriesAnalysis s =
      analyze_series(load_series({sample_snapshot("handler_leak", 1), sample_snapshot("handler_leak", 2)}));
  auto errors = validate_json(report_schema(), nlohmann::json::parse(write(report::Format::Json, report::ReportSubject::of(s))));
  for (const auto& e : errors) ADD_FAILURE() << e;

  const Analysis before = analyze(load_profile(sample_snapshot("handler_leak", 2)));
  const Analysis after = analyze(load_profile(sample_snapshot("handler_fixed", 2)));
  const ProfileDiff d = diff(before, after);
  const auto j = nlohmann::json::parse(write(report::Format::Json, report::ReportSubject::of(before, after, d)));
  errors = validate_json(report_schema(), j);
  for (const auto& e : errors) ADD_FAILURE() << e;
  EXPECT_EQ(j["diff"]["fixed"], 1);
}

TEST(SampleReports, FoldedAndPprofNeedOneSnapshot) {
  const Analysis before = analyze(load_profile(sample_snapshot("handler_leak", 2)));
  const Analysis after = analyze(load_profile(sample_snapshot("handler_fixed", 2)));
  const ProfileDiff d = diff(before, after);
  const auto subject = report::ReportSubject::of(before, after, d);
  EXPECT_FALSE(report::supports(report::Format::Pprof, subject));
  EXPECT_THROW(write(report::Format::Folded, subject), std::invalid_argument);
}

}  // namespace
