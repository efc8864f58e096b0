// What a sampled Go heap profile's leak retains carries its 95 % range (estimate.hpp,
// estimate_attributed_sum), rendered from the analysis in JSON and in the suspect
// sentence; exact (full-rate) profiles print a figure alone. On the committed field
// programs (tests/data/go/field): each default-rate run's range holds what the full-rate
// profile of the same program retains.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ctxheap/analyzer/text.hpp"
#include "interop_support.hpp"

namespace {

using nlohmann::json;

struct Leak {
  const char* scenario;
  const char* creation_function;
};
constexpr Leak kLeaks[] = {{"stopper", "main.(*Stopper).WithCancelOnQuiesce"},
                           {"podworkers", "main.managePodLoop"},
                           {"timerheld", "main.attempt"}};

/// `ctxheap report -f FORMAT` over the series heap_before + heap of one field run.
std::string report(const interop_test::TempDir& dir, const std::string& run, const std::string& format) {
  const auto q = [&](const char* file) {
    return interop_test::sh_quote(interop_test::data("go/field/profiles/" + run + "/" + file).string());
  };
  const auto r = interop_test::ctxheap(dir, "report -f " + format + " --findings all " + q("heap_before.pb.gz") + " " +
                                                q("heap.pb.gz"));
  EXPECT_EQ(r.exit_code, 0) << run << "\n" << r.err;
  return r.out;
}

/// The stale group whose children were created at `function`.
json group_of(const std::string& report_json, const std::string& function) {
  const json report = json::parse(report_json);
  for (const json& g : report.at("stale_groups"))
    if (const json& site = g.at("site"); site.contains("function") && site.at("function").get<std::string>() == function)
      return g;
  ADD_FAILURE() << "no stale group created at " << function;
  return json::object();
}

TEST(GoRetainedRange, EveryCommittedDefaultRateRunsRangeHoldsWhatTheFullRateProfileRetains) {
  interop_test::TempDir dir;
  for (const Leak& leak : kLeaks) {
    const json truth = group_of(report(dir, std::string("go1.23/full/") + leak.scenario, "json"), leak.creation_function);
    const auto retained = truth.at("retained_bytes").get<std::uint64_t>();
    for (int run = 1; run <= 5; ++run) {
      const std::string where = "go1.23/default/run" + std::to_string(run) + "/" + leak.scenario;
      const json g = group_of(report(dir, where, "json"), leak.creation_function);
      const auto value = g.at("retained_bytes").get<std::uint64_t>();
      const auto low = g.at("retained_bytes_low").get<std::uint64_t>();
      const auto high = g.at("retained_bytes_high").get<std::uint64_t>();
      EXPECT_LT(low, value) << where;
      EXPECT_GT(high, value) << where;
      EXPECT_LE(low, retained) << where << ": the full-rate profile retains " << retained;
      EXPECT_GE(high, retained) << where << ": the full-rate profile retains " << retained;
    }
  }
}

TEST(GoRetainedRange, TheSuspectSentenceInEveryFormatStatesTheAnalyzersRange) {
  interop_test::TempDir dir;
  const std::string run = "go1.23/default/run1/podworkers";
  const json g = group_of(report(dir, run, "json"), "main.managePodLoop");
  const std::string range = ctxheap::analyzer::format_bytes_range(g.at("retained_bytes_low").get<std::uint64_t>(),
                                                                  g.at("retained_bytes_high").get<std::uint64_t>());
  const std::string said = "they retain an estimated " +
                           ctxheap::analyzer::format_bytes(g.at("retained_bytes").get<std::uint64_t>()) + " (" + range +
                           ", 95 % range; ";
  EXPECT_NE(g.at("sentence").get<std::string>().find(said), std::string::npos) << g.at("sentence");
  for (const char* format : {"text", "md", "html"})
    EXPECT_NE(report(dir, run, format).find(said), std::string::npos) << format << " lacks: " << said;
}

TEST(GoRetainedRange, FullRateProfilesReportRetainedBytesWithoutARange) {
  interop_test::TempDir dir;
  for (const Leak& leak : kLeaks) {
    const std::string where = std::string("go1.23/full/") + leak.scenario;
    const json g = group_of(report(dir, where, "json"), leak.creation_function);
    EXPECT_EQ(g.at("retained_bytes_low"), g.at("retained_bytes")) << where;
    EXPECT_EQ(g.at("retained_bytes_high"), g.at("retained_bytes")) << where;
    const std::string sentence = g.at("sentence");
    EXPECT_EQ(sentence.find("95 % range"), std::string::npos) << sentence;
    EXPECT_NE(sentence.find("retain " + ctxheap::analyzer::format_bytes(g.at("retained_bytes").get<std::uint64_t>()) +
                            " ("),
              std::string::npos)
        << sentence;
  }
}

}  // namespace
