// Idle is not stale: a verdict rests on evidence (a dropped cancel, growth over a series),
// never on idle time alone. Inputs: a bounded cache shaped like samples/cache_bounded,
// idle for 65 s (test_support.hpp idle_cache), alone and in series.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

bool any_warning_contains(const Analysis& a, const std::string& text) {
  return std::any_of(a.warnings.begin(), a.warnings.end(), [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

TEST(IdleIsNotStale, AnIdleBoundedCacheOnOneSnapshotIsAWarningWithItsAge) {
  const Analysis a = analyze(idle_cache(0, 10'000, 1000, 65));
  EXPECT_TRUE(a.findings.stale.empty());
  EXPECT_EQ(a.summary.stale, 0u);
  EXPECT_TRUE(a.suspects.empty());
  ASSERT_EQ(a.findings.idle.size(), 1000u);
  EXPECT_EQ(a.findings.idle[0].age_ns, 300 * kSecond);
  EXPECT_EQ(a.findings.idle[0].idle_ns, 65 * kSecond);
  const std::string sentence = describe(a, a.findings.idle[0]);
  EXPECT_NE(sentence.find("for 5.0 min, idle for 1.1 min"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("not stale on one snapshot"), std::string::npos) << sentence;
  EXPECT_TRUE(any_warning_contains(a, "1,000 children of #16 created at Cache::put cache_bounded.cpp:20 kept their cancel"));
}

TEST(IdleIsNotStale, AnIdleBoundedCacheOverAFlatSeriesIsStillNotStale) {
  std::vector<Profile> series;
  for (std::uint64_t k = 0; k < 3; ++k) series.push_back(idle_cache(k, 10'000 + 30 * k, 1000, 65 + 30 * k));
  const SeriesAnalysis s = analyze_series(std::move(series));
  const Analysis& latest = s.latest();
  EXPECT_TRUE(latest.findings.stale.empty());
  EXPECT_TRUE(latest.suspects.empty());
  EXPECT_EQ(latest.findings.idle.size(), 1000u);
  ASSERT_FALSE(latest.growth.empty());
  EXPECT_EQ(latest.growth[0].id, 16u);
  EXPECT_EQ(latest.growth[0].verdict, GrowthVerdict::Stable);
}

TEST(IdleIsNotStale, KeptCancelsInASetThatGrowsOverASeriesAreStale) {
  std::vector<Profile> series;
  for (std::uint64_t k = 0; k < 3; ++k) series.push_back(idle_cache(k, 10'000 + 30 * k, 100 + 200 * k, 65));
  const SeriesAnalysis s = analyze_series(std::move(series));
  const Analysis& latest = s.latest();
  EXPECT_EQ(latest.summary.stale, 500u);
  EXPECT_TRUE(latest.findings.idle.empty());
  ASSERT_FALSE(latest.findings.stale.empty());
  EXPECT_TRUE(latest.findings.stale[0].reasons.growing_set);
  EXPECT_EQ(to_string(latest.findings.stale[0].reasons), "growing_set");
  ASSERT_EQ(latest.suspects.size(), 1u);
  const std::string& sentence = latest.suspects[0].sentence;
  EXPECT_NE(sentence.find("cancel kept but never called while the set keeps growing"), std::string::npos) << sentence;
  // The sentence states the growth table's row of the same set.
  ASSERT_FALSE(latest.growth.empty());
  const ParentGrowth& row = latest.growth[0];
  EXPECT_EQ(row.verdict, GrowthVerdict::Growing);
  EXPECT_NE(sentence.find("the set is growing: +200.0 per snapshot"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("up " + format_count(static_cast<std::uint64_t>(row.last_children_delta))), std::string::npos)
      << sentence;
}

TEST(IdleIsNotStale, ADroppedCancelIsStaleWhetherIdleOrNot) {
  ProfileMaker m = with_server();
  add_request(m, 100, 101);
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.findings.stale.size(), 1u);
  EXPECT_TRUE(a.findings.stale[0].reasons.cancel_dropped);
  EXPECT_FALSE(a.findings.stale[0].reasons.idle);
}

TEST(GrowthLabels, TheSentenceAndTheTableNeverDisagree) {
  // The suspect's group appears only in the last snapshot (its entries just dropped their
  // cancel) while the set itself stays flat: the sentence follows the table's row.
  std::vector<Profile> profiles;
  for (std::uint64_t k = 0; k < 3; ++k) {
    ProfileMaker m = with_server((10 + 10 * k) * kSecond);
    m.meta().sequence = k;
    for (ContextId r = 0; r < 200; ++r) add_request(m, 100 + 2 * r, 101 + 2 * r, /*dropped=*/k == 2);
    profiles.push_back(std::move(m).profile());
  }
  const Analysis latest = std::move(analyze_series(std::move(profiles)).snapshots.back());
  ASSERT_EQ(latest.suspects.size(), 1u);
  ASSERT_FALSE(latest.growth.empty());
  EXPECT_EQ(latest.growth[0].verdict, GrowthVerdict::Stable);
  const std::string& sentence = latest.suspects[0].sentence;
  EXPECT_EQ(sentence.find("growing"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("the set did not change significantly over 3 snapshots"), std::string::npos) << sentence;
}

}  // namespace
