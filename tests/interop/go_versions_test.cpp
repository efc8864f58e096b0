// Go 1.19-1.25: the context package's site names of each toolchain (real profiles from
// Go 1.19, 1.21, 1.22 and 1.23 under tests/data/go/field) and Go 1.24+'s Swiss-table maps
// (internal/runtime/maps; no such toolchain installs here, so profiles built to the shape
// Go 1.24 writes) lead to the same verdicts.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::data;

const std::vector<std::string> kToolchains = {"go1.19", "go1.21", "go1.22", "go1.23"};

Analysis analyze_field(const std::string& version, const std::string& scenario) {
  return analyze(load_profile(data("go/field/profiles/" + version + "/full/" + scenario + "/heap.pb.gz")));
}

TEST(GoVersions, EveryToolchainNamesTheQuiesceLeakAtItsCreationSiteWithTheParent) {
  for (const std::string& v : kToolchains) {
    const Analysis a = analyze_field(v, "stopper");
    ASSERT_EQ(a.suspects.size(), 1u) << v;
    const StaleGroup& g = a.stale_groups[a.suspects[0].group];
    EXPECT_EQ(g.entries, 10'000u) << v;
    const std::string& sentence = a.suspects[0].sentence;
    EXPECT_NE(sentence.find("created at main.(*Stopper).WithCancelOnQuiesce main.go:"), std::string::npos) << v << sentence;
    // The quiesce context's own creation is in the profile: named, not "an unknown site".
    EXPECT_NE(sentence.find("main.NewStopper main.go:"), std::string::npos) << v << sentence;
    // Each request's 4 KiB buffer, log tags and map are made by other functions on the
    // request path and kept through the child: at least 10,000 x 4 KiB.
    EXPECT_GT(g.retained.bytes, 10'000u * 4096u) << v;
    EXPECT_LT(g.retained.bytes, 10'000u * 4096u * 3 / 2) << v;
  }
}

TEST(GoVersions, EveryToolchainSplitsTimerAndCancelChildrenWithTheirLines) {
  for (const std::string& v : kToolchains) {
    const Analysis a = analyze_field(v, "podworkers");
    ASSERT_EQ(a.suspects.size(), 1u) << v;
    // The error path (every other sync) leaks 10,000; the last iteration's child may still
    // be reachable from main's frame when the profile is written. Before Go 1.23 a
    // cancelled timerCtx whose timer was stopped lingers in the runtime's timer heap until
    // the heap is cleaned, and one profile cannot tell it from a leaked one (up to 22 %
    // more here; docs/interop.md, limits).
    const std::uint64_t most = v == "go1.23" ? 10'001u : 12'500u;
    EXPECT_GE(a.stale_groups[a.suspects[0].group].entries, 10'000u) << v;
    EXPECT_LE(a.stale_groups[a.suspects[0].group].entries, most) << v;
    std::string warnings;
    for (const auto& w : a.warnings) warnings += w + "\n";
    // Only timerCtx children, with the one line that creates them.
    EXPECT_NE(warnings.find("Children created at main.managePodLoop still in use: 1"), std::string::npos)
        << v << warnings;
    EXPECT_NE(warnings.find(" timerCtx (main.go:38)."), std::string::npos) << v << warnings;
    EXPECT_EQ(warnings.find(" cancelCtx ("), std::string::npos) << v << warnings;
  }
}

TEST(GoVersions, EveryToolchainHoldsBackgroundChildrenByTheirTimers) {
  for (const std::string& v : kToolchains) {
    const Analysis a = analyze_field(v, "timerheld");
    ASSERT_EQ(a.suspects.size(), 1u) << v;
    const StaleGroup& g = a.stale_groups[a.suspects[0].group];
    EXPECT_GE(g.entries, 10'000u) << v;
    EXPECT_LE(g.entries, 10'001u) << v;  // and perhaps the last attempt's, still reachable
    EXPECT_EQ(g.timer_held, g.entries) << v;
    EXPECT_GT(g.retained.bytes, 10'000u * 4096u) << v;
  }
}

TEST(GoVersions, EveryToolchainPassesTheFixedPrograms) {
  for (const std::string& v : kToolchains) {
    for (const char* scenario : {"stopper_fixed", "podworkers_fixed", "timerheld_fixed", "burst"}) {
      const Analysis a = analyze_field(v, scenario);
      // At most the last request's child, still reachable when the profile is written:
      // below check's failing count (3). Before Go 1.23, cancelled timerCtx children may
      // linger in the timer heap (16 in Go 1.21's podworkers_fixed).
      std::uint64_t stale = 0;
      for (const auto& g : a.stale_groups) stale += g.entries;
      EXPECT_LE(stale, v == "go1.23" ? 1u : 16u) << v << " " << scenario;
    }
  }
}

SeriesAnalysis analyze_field_series(const std::string& version, const std::string& scenario) {
  const std::string d = "go/field/profiles/" + version + "/full/" + scenario + "/";
  return analyze_series(load_series({data(d + "heap_before.pb.gz"), data(d + "heap.pb.gz")}));
}

std::uint64_t stale_entries(const Analysis& a) {
  std::uint64_t stale = 0;
  for (const auto& g : a.stale_groups) stale += g.entries;
  return stale;
}

TEST(GoVersions, EveryToolchainFailsTheLeaksOverTheirSeries) {
  for (const std::string& v : kToolchains) {
    for (const char* scenario : {"stopper", "podworkers", "timerheld"}) {
      const SeriesAnalysis s = analyze_field_series(v, scenario);
      EXPECT_EQ(s.latest().suspects.size(), 1u) << v << " " << scenario;
      EXPECT_GE(stale_entries(s.latest()), 10'000u) << v << " " << scenario;
      for (const InFlightSet& f : s.latest().findings.in_flight) EXPECT_FALSE(f.lingering) << v << " " << scenario;
    }
  }
}

TEST(GoVersions, EveryToolchainPassesTheFixedProgramsOverTheirSeries) {
  // heap_before (no request yet) then heap: before Go 1.23 the fixed programs' cancelled
  // timerCtx children linger in the timer heap (16 in Go 1.21's podworkers_fixed), so the
  // set grows from nothing; their stacks freed nearly all they allocated in between.
  for (const std::string& v : kToolchains) {
    for (const char* scenario : {"stopper_fixed", "podworkers_fixed", "timerheld_fixed", "burst", "busy"}) {
      const SeriesAnalysis s = analyze_field_series(v, scenario);
      EXPECT_TRUE(s.latest().suspects.empty()) << v << " " << scenario;
      EXPECT_LE(stale_entries(s.latest()), 1u) << v << " " << scenario;
      for (const InFlightSet& f : s.latest().findings.in_flight) EXPECT_TRUE(f.passes()) << v << " " << scenario;
    }
  }
}

TEST(GoVersions, TimerHeapLingeringOverASeriesIsNamedAndNotALeak) {
  const SeriesAnalysis s = analyze_field_series("go1.21", "podworkers_fixed");
  const Analysis& a = s.latest();
  ASSERT_EQ(a.findings.in_flight.size(), 1u);
  const InFlightSet& f = a.findings.in_flight[0];
  EXPECT_TRUE(f.lingering);
  EXPECT_EQ(f.count, 16u);
  EXPECT_EQ(f.count_before, 0u);
  // 20,000 iterations' contexts, timers and 4 KiB statuses allocated; 16 kept.
  EXPECT_GT(f.turnover.allocated_bytes, 20'000u * 4096u);
  EXPECT_LT(f.turnover.kept_bytes * 100, f.turnover.allocated_bytes);
  const std::string sentence = describe(a, f);
  EXPECT_NE(sentence.find("the set grew from 0 to 16 since the previous snapshot"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("lingering in the Go runtime's timer heap"), std::string::npos) << sentence;
  EXPECT_TRUE(a.suspects.empty());
  // The same 16 in one profile are ambiguous (warned), not lingering: one profile cannot tell.
  const Analysis one = analyze_field("go1.21", "podworkers_fixed");
  ASSERT_EQ(one.findings.in_flight.size(), 1u);
  EXPECT_FALSE(one.findings.in_flight[0].passes());
}

TEST(GoVersions, TimerHeapResidueThatLiftsABusyServerOverTheInFlightBoundIsLingering) {
  // Go 1.21's busy server: about 1,000 requests in flight at heap_before, and at heap the
  // same requests plus about 1,000 cancelled deadline children still in the timer heap.
  const SeriesAnalysis s = analyze_field_series("go1.21", "busy");
  const Analysis& a = s.latest();
  EXPECT_TRUE(a.suspects.empty());
  const auto over = std::find_if(a.findings.in_flight.begin(), a.findings.in_flight.end(),
                                 [](const InFlightSet& f) { return f.count >= f.bound; });
  ASSERT_NE(over, a.findings.in_flight.end()) << "no set over the bound";
  EXPECT_TRUE(over->lingering);
  EXPECT_TRUE(over->passes());
  EXPECT_LT(over->count_before, over->bound);
  const std::string sentence = describe(a, *over);
  EXPECT_NE(sentence.find("over the in-flight bound (2,000, --in-flight) only since the previous snapshot"),
            std::string::npos) << sentence;
  // The same set in the one profile is over the bound: stale (one profile cannot tell).
  const Analysis one = analyze_field("go1.21", "busy");
  EXPECT_FALSE(one.suspects.empty());
}

/// A Go 1.24 heap profile's shape: the children map's memory under
/// internal/runtime/maps frames (which Go does not hide, unlike runtime.*).
Profile go124_profile(std::uint64_t live_children, std::uint64_t map_bytes) {
  ProfileBuilder b;
  b.meta().source_format = SourceFormat::Pprof;
  b.meta().sampling_interval_bytes = 1;
  const auto site = [&](std::vector<FrameText> frames, std::uint64_t objects, std::uint64_t bytes) {
    Site s;
    s.stack = b.add_stack(std::span<const FrameText>(frames));
    s.estimated = {objects, bytes, objects, bytes};
    s.sampled = s.estimated;
    b.add_site(s);
  };
  const FrameText handle{"main.handle", "app/main.go", 21, "", 0x401100};
  const FrameText serve{"main.serve", "app/main.go", 30, "", 0x401200};
  const FrameText main_main{"main.main", "app/main.go", 40, "", 0x401300};
  site({{"context.withCancel", "context/context.go", 268, "", 0x4a0010}, {"context.WithCancel", "context/context.go", 237, "", 0x4a0020},
        handle, serve, main_main},
       live_children, live_children * 80);
  site({{"internal/runtime/maps.newarray", "internal/runtime/maps/map.go", 840, "", 0x450010},
        {"internal/runtime/maps.newTable", "internal/runtime/maps/table.go", 80, "", 0x450020},
        {"internal/runtime/maps.(*table).grow", "internal/runtime/maps/table.go", 1100, "", 0x450030},
        {"runtime.mapassign", "internal/runtime/maps/runtime_swiss.go", 280, "", 0x450040},
        {"context.(*cancelCtx).propagateCancel", "context/context.go", 510, "", 0x4a0030},
        {"context.withCancel", "context/context.go", 270, "", 0x4a0040},
        {"context.WithCancel", "context/context.go", 237, "", 0x4a0020}, handle, serve, main_main},
       4, map_bytes);
  site({{"main.newBody", "app/main.go", 12, "", 0x401000}, serve, main_main}, live_children, live_children * 4096);
  return std::move(b).finish();
}

TEST(GoVersions, Go124MapFramesAreStrippedAndTheirUsableCapacityCounted) {
  Profile p = go124_profile(10'000, 2048 * 136);
  const auto all = golang::recognize_context_leaks(p);
  ASSERT_EQ(all.size(), 1u);
  const golang::SiteEstimate& e = all[0];
  EXPECT_EQ(e.function, "main.handle");
  EXPECT_EQ(e.retention, golang::Retention::ChildrenMap);
  EXPECT_EQ(e.cancel_contexts, 10'000u);
  EXPECT_EQ(e.map_bytes, 2048u * 136u);
  // 2,048 groups of 8 slots, grown at 7/8 full: room for 14,336 children, not 16,384 slots.
  EXPECT_NEAR(static_cast<double>(e.map_slots), 14'336.0, 20.0);
  // The bodies main.serve made before creating each child are kept through it.
  EXPECT_EQ(e.attributed_sites, 1u);
  EXPECT_EQ(e.attributed_bytes, 10'000u * 4096u);
  EXPECT_EQ(e.attributed_via, "main.serve");
}

TEST(GoVersions, Go124MapLeftAfterABurstIsCapacityNotALeak) {
  Profile p = go124_profile(3, 8192 * 136);
  const auto all = golang::recognize_context_leaks(p);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].retention, golang::Retention::LeftoverMapCapacity);
  const Analysis a = analyze(std::move(p));
  EXPECT_TRUE(a.suspects.empty());
}

TEST(GoVersions, BucketMapCapacityIsItsUsableCapacity) {
  // Go 1.19-1.23: buckets of 8 slots in 144 bytes, grown at 6.5 per bucket.
  const std::string bytes = interop_test::read_file(data("go/field/profiles/go1.21/full/burst/heap.pb.gz"));
  ReadOptions o;
  o.recognize_go_contexts = false;
  Profile p = read_pprof(std::as_bytes(std::span<const char>(bytes)), o);
  const auto all = golang::recognize_context_leaks(p);
  std::uint64_t slots = 0, map_bytes = 0;
  for (const auto& e : all)
    if (e.retention == golang::Retention::LeftoverMapCapacity) slots = e.map_slots, map_bytes = e.map_bytes;
  ASSERT_GT(map_bytes, 0u);
  EXPECT_NEAR(static_cast<double>(slots), static_cast<double>(map_bytes) / 144.0 * 6.5, static_cast<double>(slots) / 1000);
  EXPECT_GE(slots, 30'000u);  // the burst held 30,000 children at its peak
}

}  // namespace
