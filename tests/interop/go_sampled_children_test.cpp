// Children sets of a sampled Go heap profile (Go's default rate, 512 KiB): what the
// request path allocated once per child narrows their count's range, and a children map
// with no sample is taken as missed only while missing it is likely. Profiles generated
// here to the shape Go 1.23 writes (sampled counts and their scaled values), and the
// committed default-rate runs of the stopper (CockroachDB #149658).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/estimate.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;

constexpr std::uint64_t kRate = 512 * 1024;

/// A request path like the stopper's: handle() makes a 4 KiB buffer, then register()
/// creates the child with WithCancel. `child_samples` in-use samples of the 80-byte
/// cancelCtx, `buffer_samples` of the buffers, and `map_samples` of the parent's map.
Profile sampled_request_path(std::uint64_t child_samples, std::uint64_t buffer_samples, std::uint64_t map_samples,
                             std::uint64_t rate = kRate) {
  ProfileBuilder b;
  b.meta().source_format = SourceFormat::Pprof;
  b.meta().sampling_interval_bytes = rate;
  const auto site = [&](std::vector<FrameText> frames, std::uint64_t samples, std::uint64_t size) {
    if (samples == 0) return;
    Site s;
    s.stack = b.add_stack(std::span<const FrameText>(frames));
    s.sampled = {samples, samples * size, samples, samples * size};
    const double scale = 1 / sample_probability(static_cast<double>(size), rate);
    const auto n = static_cast<std::uint64_t>(std::llround(static_cast<double>(samples) * scale));
    s.estimated = {n, n * size, n, n * size};
    b.add_site(s);
  };
  const FrameText reg{"main.register", "app/main.go", 42, "", 0x401100};
  const FrameText handle{"main.handle", "app/main.go", 70, "", 0x401200};
  const FrameText main_main{"main.main", "app/main.go", 90, "", 0x401300};
  site({{"context.withCancel", "context/context.go", 272, "", 0x4a0010},
        {"context.WithCancel", "context/context.go", 236, "", 0x4a0020}, reg, handle, main_main},
       child_samples, 80);
  site({{"context.(*cancelCtx).propagateCancel", "context/context.go", 500, "", 0x4a0030},
        {"context.withCancel", "context/context.go", 273, "", 0x4a0040},
        {"context.WithCancel", "context/context.go", 236, "", 0x4a0020}, reg, handle, main_main},
       map_samples, 147456);
  site({{"main.newBuffer", "app/main.go", 64, "", 0x401000}, handle, main_main}, buffer_samples, 4096);
  return std::move(b).finish();
}

const golang::SiteEstimate& estimate_of(const std::vector<golang::SiteEstimate>& all, const std::string& function) {
  for (const auto& e : all)
    if (e.function == function) return e;
  throw std::runtime_error("no estimate for " + function);
}

TEST(GoSampledChildren, TheRequestPathsOnePerChildBuffersNarrowTheChildrenRange) {
  // 10,000 children: about 1.5 samples of the 80-byte contexts, 78 of the 4 KiB buffers.
  Profile p = sampled_request_path(2, 78, 1);
  const golang::SiteEstimate e = estimate_of(golang::recognize_context_leaks(p), "main.register");
  EXPECT_EQ(e.retention, golang::Retention::ChildrenMap);
  EXPECT_LE(e.children_low, 10'000u);
  EXPECT_GE(e.children_high, 10'000u);
  // Two samples alone range over 1,300-39,000; with the buffers the low end clears the
  // in-flight bound, so one profile decides.
  EXPECT_GE(e.children_low, FindingOptions::kDefaultInFlightBound);
  EXPECT_LE(e.children_high, 20'000u);
  EXPECT_EQ(e.attributed_via, "main.handle");
}

TEST(GoSampledChildren, AChildrenMapWithNoSampleIsTakenAsMissedWhileMissingItIsLikely) {
  // A map for 10,000 children (about 220 KiB) escapes the sampler in about 2 of 3 profiles.
  Profile p = sampled_request_path(2, 78, 0);
  const golang::SiteEstimate e = estimate_of(golang::recognize_context_leaks(p), "main.register");
  EXPECT_EQ(e.retention, golang::Retention::ChildrenMap);
  EXPECT_TRUE(e.holds_children);
  std::string notes;
  for (const auto& n : p.meta.notes) notes += n + "\n";
  EXPECT_NE(notes.find("No sample of a children map holds the"), std::string::npos) << notes;
  const Analysis a = analyze(std::move(p));
  ASSERT_EQ(a.suspects.size(), 1u);
  EXPECT_NE(a.suspects[0].sentence.find("still in its children set"), std::string::npos) << a.suspects[0].sentence;
}

TEST(GoSampledChildren, ChildrenWhoseMapCouldNotHaveBeenMissedAreNotTakenAsRegistered) {
  // 500,000 children in use with no map sample: a map for them (11 MiB) is sampled almost
  // surely, so they are registered nowhere (children of Background, kept by the program).
  Profile p = sampled_request_path(60, 3'900, 0);
  const golang::SiteEstimate e = estimate_of(golang::recognize_context_leaks(p), "main.register");
  EXPECT_FALSE(e.holds_children);
  EXPECT_NE(e.retention, golang::Retention::ChildrenMap);
}

TEST(GoSampledChildren, FullRateChildrenWithNoMapAreNeverTakenAsRegistered) {
  // Every allocation recorded: no map memory means no map.
  Profile p = sampled_request_path(10'000, 10'000, 0, 1);
  const golang::SiteEstimate e = estimate_of(golang::recognize_context_leaks(p), "main.register");
  EXPECT_FALSE(e.holds_children);
  for (const auto& n : p.meta.notes) EXPECT_EQ(n.find("No sample of a children map"), std::string::npos) << n;
}

TEST(GoSampledChildren, TheStoppersLeakFailsCheckWithItsClassAndSiteInEveryCommittedDefaultRun) {
  interop_test::TempDir dir;
  const auto q = [](const std::string& r) {
    return interop_test::sh_quote(interop_test::data("go/field/profiles/" + r).string());
  };
  for (int run = 1; run <= 5; ++run) {
    const std::string d = "go1.23/default/run" + std::to_string(run) + "/stopper/";
    const auto r = interop_test::ctxheap(dir, "check " + q(d + "heap_before.pb.gz") + " " + q(d + "heap.pb.gz"));
    EXPECT_EQ(r.exit_code, 1) << d << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("children created at main.(*Stopper).WithCancelOnQuiesce"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("still in its children set"), std::string::npos) << r.out;
    const std::string f = "go1.23/default/run" + std::to_string(run) + "/stopper_fixed/";
    const auto fixed = interop_test::ctxheap(dir, "check " + q(f + "heap_before.pb.gz") + " " + q(f + "heap.pb.gz"));
    EXPECT_EQ(fixed.exit_code, 0) << f << "\n" << fixed.out << fixed.err;
  }
}

}  // namespace
