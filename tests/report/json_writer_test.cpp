// JSON: conforms to docs/report-schema.json (both ways: no undocumented key), and its
// numbers are the analysis' own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report_test_support.hpp"
#include "schema_validator.hpp"

namespace {

using namespace ctxheap_test;
using nlohmann::json;

json report_json(const report::ReportSubject& subject, const report::ReportOptions& options = {}) {
  return json::parse(write(report::Format::Json, subject, options));
}

void expect_valid(const json& j) {
  const auto errors = validate_json(report_schema(), j);
  for (const auto& e : errors) ADD_FAILURE() << e;
}

TEST(JsonWriter, ReportConformsToTheSchema) {
  LeakShape shape;
  shape.ended_with_memory = 2;
  const Analysis a = analyze(leak_profile(shape));
  const json j = report_json(report::ReportSubject::of(a));
  expect_valid(j);
  EXPECT_EQ(j["schema"], "ctxheap-report/1");
  EXPECT_EQ(j["kind"], "report");
  EXPECT_TRUE(j["diff"].is_null());
}

TEST(JsonWriter, StreamedReportIsLaidOutExactlyAsAWholeDumpAndSaysWhatItCut) {
  // The writer streams key by key and item by item; the bytes are those of dump(2).
  LeakShape shape;
  shape.ended_with_memory = 2;
  const Analysis a = analyze(leak_profile(shape));
  report::ReportOptions options;
  options.findings = 2;
  const std::string text = write(report::Format::Json, report::ReportSubject::of(a), options);
  const auto whole = nlohmann::ordered_json::parse(text);
  EXPECT_EQ(text, whole.dump(2) + "\n");
  EXPECT_EQ(whole["findings"]["stale_child"]["items"].size(), 2u);
  EXPECT_EQ(whole["findings"]["stale_child"]["count"], a.findings.stale.size());
  if (a.stale_groups.size() > 2) {
    EXPECT_EQ(whole["not_shown"]["stale_groups"], a.stale_groups.size() - 2);
  } else {
    EXPECT_FALSE(whole["not_shown"].contains("stale_groups"));
  }
  expect_valid(json::parse(text));
}

TEST(JsonWriter, SuspectCarriesSentenceAndNumbers) {
  const Analysis a = analyze(leak_profile());
  const json j = report_json(report::ReportSubject::of(a));
  ASSERT_EQ(j["suspects"].size(), 1u);
  const json& s = j["suspects"][0];
  const StaleGroup& g = a.stale_groups[a.suspects[0].group];
  EXPECT_EQ(s["rank"], 1);
  EXPECT_EQ(s["sentence"], a.suspects[0].sentence);
  EXPECT_EQ(s["entries"], 150);
  EXPECT_EQ(s["retained_bytes"], g.retained.bytes);
  EXPECT_EQ(s["registrar"]["name"], "server");
  EXPECT_EQ(s["registrar_site_key"], "main@main.cpp");
  EXPECT_EQ(s["site"]["key"], "handle_request(int)@handler.cpp");
  EXPECT_EQ(s["site"]["line"], 88);
}

TEST(JsonWriter, FindingsCountEverythingAndListTheFirstFew) {
  LeakShape shape;
  shape.ended_with_memory = 3;
  const Analysis a = analyze(leak_profile(shape));
  report::ReportOptions options;
  options.findings = 4;
  const json j = report_json(report::ReportSubject::of(a), options);
  EXPECT_EQ(j["findings"]["stale_child"]["count"], 150);
  EXPECT_EQ(j["findings"]["stale_child"]["items"].size(), 4u);
  EXPECT_EQ(j["findings"]["stale_child"]["items"][0]["reasons"], json::array({"cancel_dropped"}));
  EXPECT_EQ(j["findings"]["retained_after_cancel"]["count"], 3);
  EXPECT_EQ(j["summary"]["stale"], a.summary.stale);
  EXPECT_EQ(j["summary"]["heap_inuse_bytes"], a.summary.heap_inuse_bytes);
}

TEST(JsonWriter, ParentsHaveSelfAndSubtreeCountersAndRatio) {
  const Analysis a = analyze(leak_profile());
  const json j = report_json(report::ReportSubject::of(a));
  ASSERT_FALSE(j["parents"].empty());
  const json& p = j["parents"][0];
  EXPECT_EQ(p["context"]["id"], 16);
  const auto& node = a.node(a.forest.find(16));
  EXPECT_EQ(p["subtree"]["inuse_bytes"], node.subtree.inuse_bytes());
  EXPECT_EQ(p["subtree"]["alloc_bytes"], node.subtree.alloc_bytes);
  EXPECT_DOUBLE_EQ(p["subtree"]["inuse_ratio"].get<double>(), inuse_ratio(node.subtree));
  EXPECT_EQ(p["registered_children"], 150);
}

TEST(JsonWriter, SeriesAndGrowthConformToTheSchema) {
  LeakShape first;
  first.requests = 100;
  LeakShape second;
  second.sequence = 1;
  std::vector<Profile> profiles;
  profiles.push_back(leak_profile(first));
  profiles.push_back(leak_profile(second));
  profiles[1].meta.monotonic_time_ns += 10 * kSecond;
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  const json j = report_json(report::ReportSubject::of(s));
  expect_valid(j);
  EXPECT_EQ(j["series"].size(), 2u);
  EXPECT_FALSE(j["growth"].empty());
  EXPECT_EQ(j["suspects"][0]["growth"]["delta_entries"], 50);
}

TEST(JsonWriter, DiffSectionConformsAndCountsTheFix) {
  const Analysis before = analyze(leak_profile());
  const Analysis after = analyze(fixed_profile());
  const ProfileDiff d = diff(before, after);
  const json j = report_json(report::ReportSubject::of(before, after, d));
  expect_valid(j);
  EXPECT_EQ(j["kind"], "diff");
  EXPECT_EQ(j["diff"]["fixed"], 1);
  EXPECT_EQ(j["diff"]["new"], 0);
  EXPECT_EQ(j["diff"]["groups"][0]["change"], "fixed");
  EXPECT_EQ(j["diff"]["totals"]["stale"]["delta"], -150);
  EXPECT_EQ(j["diff"]["mode"], "creation_path");  // two runs (pids 42 and 43)
}

/// A heap profile of a program without contexts (a gperftools dump's shape): one site.
Profile dump_without_contexts(std::uint64_t bytes) {
  ProfileBuilder b;
  const FrameText frames[] = {{"make_body(int)", "server.cpp", 20, "server", 0x4010, 0x10, false}};
  Site site;
  site.stack = b.add_stack(std::span<const FrameText>(frames));
  site.estimated = {bytes / 64, bytes, bytes / 64, bytes};
  site.sampled = site.estimated;
  b.add_site(site);
  return std::move(b).finish();
}

TEST(JsonWriter, ADiffOfInputsWithoutContextsSaysNoContextsWereMatched) {
  const Analysis before = analyze(dump_without_contexts(4096));
  const Analysis after = analyze(dump_without_contexts(8192));
  const ProfileDiff d = diff(before, after);
  const json j = report_json(report::ReportSubject::of(before, after, d));
  expect_valid(j);
  EXPECT_EQ(j["diff"]["mode"], "none");
}

TEST(JsonWriter, ValidatorRejectsAnUndocumentedKey) {
  const Analysis a = analyze(leak_profile());
  json j = report_json(report::ReportSubject::of(a));
  j["summary"]["surprise"] = 1;
  j.erase("warnings");
  const auto errors = validate_json(report_schema(), j);
  ASSERT_EQ(errors.size(), 2u);
}

TEST(JsonWriter, StringsSurviveRoundTrip) {
  LeakShape shape;
  shape.server_name = "<script>alert(\"1\")</script>\t\xff";
  const Analysis a = analyze(leak_profile(shape));
  const std::string text = write(report::Format::Json, report::ReportSubject::of(a));
  const json j = json::parse(text);  // invalid UTF-8 is replaced, never a throw
  EXPECT_EQ(j["suspects"][0]["registrar"]["name"].get<std::string>().rfind("<script>alert(\"1\")</script>\t", 0), 0u);
}

}  // namespace
