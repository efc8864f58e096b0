// What a sampled Go heap profile's leak retains carries its 95 % range (estimate.hpp,
// estimate_attributed_sum), rendered from the analysis in JSON and in the suspect
// sentence; exact (full-rate) profiles print a figure alone. On profiles generated here
// to the shape Go 1.23 writes: how the request path's attribution widens the range. On
// the committed field programs (tests/data/go/field): each default-rate run's range holds
// what the full-rate profile of the same program retains.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctxheap/analyzer/estimate.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "interop_support.hpp"

namespace {

using nlohmann::json;
namespace az = ctxheap::analyzer;

constexpr std::uint64_t kRate = 512 * 1024;

/// A stopper-like request path at Go's default rate, shaped as Go 1.23 writes it: handle()
/// makes a 4 KiB buffer per request (78 samples: 10,000 of them), then register() creates
/// the child with WithCancel (2 samples of the 80-byte cancelCtx, 1 of the parent's map).
/// `tag_samples` samples of a 48-byte log tag that handle() also allocates (0: none).
az::golang::SiteEstimate request_path_leak(std::uint64_t tag_samples) {
  az::ProfileBuilder b;
  b.meta().source_format = az::SourceFormat::Pprof;
  b.meta().sampling_interval_bytes = kRate;
  const auto site = [&](std::vector<az::FrameText> frames, std::uint64_t samples, std::uint64_t size) {
    if (samples == 0) return;
    az::Site s;
    s.stack = b.add_stack(std::span<const az::FrameText>(frames));
    s.sampled = {samples, samples * size, samples, samples * size};
    const auto n = static_cast<std::uint64_t>(
        std::llround(static_cast<double>(samples) / az::sample_probability(static_cast<double>(size), kRate)));
    s.estimated = {n, n * size, n, n * size};
    b.add_site(s);
  };
  const az::FrameText reg{"main.register", "app/main.go", 42, "", 0x401100};
  const az::FrameText handle{"main.handle", "app/main.go", 70, "", 0x401200};
  const az::FrameText main_main{"main.main", "app/main.go", 90, "", 0x401300};
  site({{"context.withCancel", "context/context.go", 272, "", 0x4a0010},
        {"context.WithCancel", "context/context.go", 236, "", 0x4a0020}, reg, handle, main_main},
       2, 80);
  site({{"context.(*cancelCtx).propagateCancel", "context/context.go", 500, "", 0x4a0030},
        {"context.withCancel", "context/context.go", 273, "", 0x4a0040},
        {"context.WithCancel", "context/context.go", 236, "", 0x4a0020}, reg, handle, main_main},
       1, 147456);
  site({{"main.newBuffer", "app/main.go", 64, "", 0x401000}, handle, main_main}, 78, 4096);
  site({{"main.makeTag", "app/main.go", 57, "", 0x400f00}, handle, main_main}, tag_samples, 48);
  az::Profile p = std::move(b).finish();
  for (const auto& e : az::golang::recognize_context_leaks(p))
    if (e.function == "main.register") return e;
  throw std::runtime_error("no estimate for main.register");
}

TEST(GoRetainedRange, ARequestPathMatchSamplingCouldUndoCountsOnlyAtTheHighEnd) {
  const auto without = request_path_leak(0);
  // One sample of a 48-byte tag stands for ~10,900 tags: the point estimate matches the
  // 10,000 children, but its range (about 280-61,000) would also allow no match.
  const auto doubtful = request_path_leak(1);
  ASSERT_TRUE(without.holds_children);
  ASSERT_TRUE(doubtful.holds_children);
  EXPECT_GT(doubtful.retained_bytes, without.retained_bytes);  // charged
  EXPECT_EQ(doubtful.attributed_sites, without.attributed_sites + 1);
  EXPECT_EQ(doubtful.retained_low, without.retained_low);      // but the low end leaves it out
  EXPECT_GT(doubtful.retained_high, without.retained_high);
  EXPECT_LT(without.retained_low, without.retained_bytes);
  EXPECT_GT(without.retained_high, without.retained_bytes);
}

TEST(GoRetainedRange, ARequestPathSiteSamplingCouldHaveMatchedWidensOnlyTheHighEnd) {
  const auto without = request_path_leak(0);
  // Four samples of the tag stand for ~43,700 of them: more than four per child, not
  // charged, but its range (about 11,900-112,000) would allow a match.
  const auto possible = request_path_leak(4);
  EXPECT_EQ(possible.attributed_sites, without.attributed_sites);
  EXPECT_EQ(possible.retained_bytes, without.retained_bytes);
  EXPECT_EQ(possible.retained_low, without.retained_low);
  EXPECT_GT(possible.retained_high, without.retained_high);
}

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

TEST(GoRetainedRange, TheSuspectSentenceInEveryFormatAndCheckStateTheAnalyzersRange) {
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
  // `check` states the same range for what its counted entries retain (one group here).
  const auto q = [&](const char* file) {
    return interop_test::sh_quote(interop_test::data("go/field/profiles/" + run + "/" + file).string());
  };
  const auto check = interop_test::ctxheap(dir, "check " + q("heap_before.pb.gz") + " " + q("heap.pb.gz"));
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_NE(check.out.find("retained by them (" + range + ", 95 % range; "), std::string::npos) << check.out;
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
