// Growth across a series: a children set that keeps growing is unbounded, a bounded cache
// reaches a plateau.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

GrowthPoint point(std::uint64_t seconds, std::uint64_t children, std::uint64_t bytes) {
  GrowthPoint p;
  p.monotonic_ns = seconds * kSecond;
  p.present = true;
  p.registered_children = children;
  p.subtree_inuse_bytes = bytes;
  return p;
}

TEST(GrowthVerdict, FollowsTheLastIntervalAndTheHistory) {
  const GrowthOptions o;
  EXPECT_EQ(growth_verdict({point(0, 10, 0), point(1, 20, 0), point(2, 30, 0)}, o), GrowthVerdict::Growing);
  EXPECT_EQ(growth_verdict({point(0, 0, 1'000'000), point(1, 0, 2'000'000), point(2, 0, 2'000'100)}, o), GrowthVerdict::Plateau);
  EXPECT_EQ(growth_verdict({point(0, 50, 1000), point(1, 50, 1000), point(2, 50, 1000)}, o), GrowthVerdict::Stable);
  EXPECT_EQ(growth_verdict({point(0, 50, 1000), point(1, 90, 1000), point(2, 20, 1000)}, o), GrowthVerdict::Shrinking);
  EXPECT_EQ(growth_verdict({point(0, 10, 0), point(1, 20, 0)}, o), GrowthVerdict::Growing);
  EXPECT_EQ(growth_verdict({point(0, 10, 0), point(1, 10, 0)}, o), GrowthVerdict::Stable);
  // Small wobble within the tolerance is flat.
  EXPECT_EQ(growth_verdict({point(0, 1000, 0), point(1, 2000, 0), point(2, 2010, 0)}, o), GrowthVerdict::Plateau);
}

TEST(GrowthVerdict, GrowthFromNothingIsNeverShrinking) {
  const GrowthOptions o;
  constexpr std::uint64_t MiB = 1 << 20;
  EXPECT_EQ(growth_verdict({point(0, 0, 0), point(1, 0, 9 * MiB)}, o, 9 * MiB), GrowthVerdict::Growing);
  EXPECT_EQ(growth_verdict({point(0, 0, 0), point(1, 0, 9 * MiB), point(2, 0, 9 * MiB)}, o, 9 * MiB), GrowthVerdict::Plateau);
}

TEST(GrowthVerdict, RisingAndComingBackIsTransientNotAPlateau) {
  const GrowthOptions o;
  constexpr std::uint64_t KiB = 1024;
  EXPECT_EQ(growth_verdict({point(0, 0, 0), point(1, 0, 1536 * KiB), point(2, 0, 0)}, o, 8 * KiB * KiB), GrowthVerdict::Transient);
  EXPECT_EQ(growth_verdict({point(0, 0, 0), point(1, 200, 0), point(2, 0, 0)}, o), GrowthVerdict::Transient);
}

TEST(GrowthVerdict, ASmallChangeNextToALargeHeapIsNotGrowth) {
  const GrowthOptions o;
  constexpr std::uint64_t MiB = 1 << 20;
  // +4 KiB per snapshot under a parent, 50 MiB in use: monotone, but insignificant.
  EXPECT_EQ(growth_verdict({point(0, 3, 2 * MiB), point(1, 3, 2 * MiB + 4096), point(2, 3, 2 * MiB + 8192)}, o, 50 * MiB),
            GrowthVerdict::Stable);
  // One more child is no growth either (minimum count).
  EXPECT_EQ(growth_verdict({point(0, 3, 0), point(1, 4, 0)}, o), GrowthVerdict::Stable);
  // Rising, falling, rising: larger at the end but not monotone.
  EXPECT_EQ(growth_verdict({point(0, 100, 0), point(1, 300, 0), point(2, 150, 0), point(3, 400, 0)}, o),
            GrowthVerdict::Fluctuating);
}

TEST(GrowthVerdict, SlopePerSnapshotIsTheAverageStep) {
  const std::vector<GrowthPoint> points = {point(10, 100, 0), point(20, 300, 0), point(90, 500, 0)};
  EXPECT_DOUBLE_EQ(slope_per_snapshot(points, &GrowthPoint::registered_children), 200.0);
  EXPECT_DOUBLE_EQ(slope_per_snapshot({point(3, 1, 0)}, &GrowthPoint::registered_children), 0.0);
}

TEST(GrowthVerdict, SlopePerSecondUsesWallTimeWithoutASteadyClock) {
  std::vector<GrowthPoint> points = {point(0, 100, 0), point(0, 300, 0)};
  points[0].wall_ns = 100 * kSecond;
  points[1].wall_ns = 110 * kSecond;
  EXPECT_DOUBLE_EQ(slope_per_second(points, &GrowthPoint::registered_children), 20.0);
}

TEST(GrowthVerdict, SlopeIsLeastSquaresPerSecond) {
  const std::vector<GrowthPoint> points = {point(10, 100, 0), point(12, 300, 0), point(14, 500, 0)};
  EXPECT_DOUBLE_EQ(slope_per_second(points, &GrowthPoint::registered_children), 100.0);
  EXPECT_DOUBLE_EQ(slope_per_second({point(3, 1, 0)}, &GrowthPoint::registered_children), 0.0);
  EXPECT_DOUBLE_EQ(slope_per_second({point(3, 1, 0), point(3, 9, 0)}, &GrowthPoint::registered_children), 0.0);
}

/// A server with `requests` stale requests at `seconds`, as snapshot `sequence`.
Profile leaking_server(std::uint64_t sequence, std::uint64_t seconds, ContextId requests) {
  ProfileMaker m = with_server(seconds * kSecond);
  m.meta().sequence = sequence;
  for (ContextId r = 0; r < requests; ++r) add_request(m, 100 + 2 * r, 101 + 2 * r);
  return std::move(m).profile();
}

TEST(Series, TwoSnapshotsSayHowMuchTheSetGrew) {
  std::vector<Profile> profiles;
  profiles.push_back(leaking_server(1, 20, 150));
  profiles.push_back(leaking_server(0, 10, 100));  // out of order on purpose
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  ASSERT_EQ(s.snapshots.size(), 2u);
  EXPECT_EQ(s.snapshots[0].profile->meta.sequence, 0u);
  const Analysis& latest = s.latest();
  EXPECT_EQ(latest.series_length, 2u);
  ASSERT_EQ(latest.suspects.size(), 1u);
  const std::string& sentence = latest.suspects[0].sentence;
  EXPECT_NE(sentence.find("holds 150 uncancelled children"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("; the set grew by 50 since the previous snapshot."), std::string::npos) << sentence;
  const StaleGroup& g = latest.stale_groups[latest.suspects[0].group];
  ASSERT_TRUE(g.growth.has_value());
  EXPECT_EQ(g.growth->previous_entries, 100u);
  EXPECT_EQ(g.growth->delta_entries, 50);

  ASSERT_EQ(latest.findings.unbounded_children.size(), 1u);
  const ParentGrowth& pg = latest.growth[latest.findings.unbounded_children[0].growth];
  EXPECT_EQ(pg.id, 16u);
  EXPECT_EQ(pg.verdict, GrowthVerdict::Growing);
  EXPECT_EQ(pg.last_children_delta, 50);
  EXPECT_DOUBLE_EQ(pg.children_per_second, 5.0);
  EXPECT_EQ(describe(latest, latest.findings.unbounded_children[0]),
            "Context #16 \"server\" (created at main server.cpp:42) holds 150 registered children, up 50 since the "
            "previous snapshot.");
}

TEST(Series, ThreeGrowingSnapshotsGiveASlope) {
  std::vector<Profile> profiles;
  for (std::uint64_t k = 0; k < 3; ++k) profiles.push_back(leaking_server(k, 10 + 10 * k, 100 + 100 * k));
  const Analysis latest = std::move(analyze_series(std::move(profiles)).snapshots.back());
  ASSERT_EQ(latest.suspects.size(), 1u);
  EXPECT_NE(latest.suspects[0].sentence.find(
                "; the set is growing: +100.0 per snapshot (10.0 entries/s) over 3 snapshots, up 100 since the previous snapshot."),
            std::string::npos)
      << latest.suspects[0].sentence;
  ASSERT_EQ(latest.findings.unbounded_children.size(), 1u);
  const ParentGrowth& pg = latest.growth[latest.findings.unbounded_children[0].growth];
  EXPECT_DOUBLE_EQ(pg.children_per_second, 10.0);
  EXPECT_DOUBLE_EQ(pg.bytes_per_second, 10.0 * (272 + 4096 + 176));
  EXPECT_DOUBLE_EQ(pg.children_per_snapshot, 100.0);
  EXPECT_NE(describe(latest, latest.findings.unbounded_children[0]).find("growing by +100.0 children per snapshot (10.0 children/s"),
            std::string::npos);
}

/// A cache owned by a long-lived context: its bytes grow, then stop growing.
Profile cache(std::uint64_t sequence, std::uint64_t bytes) {
  ProfileMaker m(10 * (sequence + 1) * kSecond);
  m.meta().sequence = sequence;
  m.add(Ctx(1, ContextKind::Background));
  m.add(Ctx(16, ContextKind::Cancel).from(1).named("cache-service").at("main", "cache.cpp", 5).inuse(bytes / 1024, bytes));
  return std::move(m).profile();
}

TEST(Series, ABoundedCacheReachesAPlateauAndIsNoFinding) {
  std::vector<Profile> profiles;
  profiles.push_back(cache(0, 1'000'000));
  profiles.push_back(cache(1, 2'000'000));
  profiles.push_back(cache(2, 2'000'512));
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  const Analysis& latest = s.latest();
  ASSERT_EQ(latest.growth.size(), 1u);
  EXPECT_EQ(latest.growth[0].id, 16u);
  EXPECT_EQ(latest.growth[0].verdict, GrowthVerdict::Plateau);
  EXPECT_TRUE(latest.findings.unbounded_children.empty());
  EXPECT_TRUE(latest.suspects.empty());
}

TEST(Series, ASingleProfileIsAnAnalysisWithoutGrowth) {
  std::vector<Profile> profiles;
  profiles.push_back(leaking_server(0, 10, 100));
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  EXPECT_EQ(s.latest().series_length, 1u);
  EXPECT_TRUE(s.latest().growth.empty());
  EXPECT_FALSE(s.latest().stale_groups[0].growth.has_value());
}

}  // namespace
