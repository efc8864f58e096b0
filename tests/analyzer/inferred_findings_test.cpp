// Findings on inferred contexts (the Go recognizer's, docs/analysis.md §4): one record
// standing for many children, held in a children set or only by pending timers.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

Ctx inferred(Ctx c, std::uint64_t count) {
  c.c.inferred = true;
  c.c.count = count;
  return c;
}

TEST(InferredFindings, InferredChildrenInALiveParentsSetAreStaleAndCountedEach) {
  ProfileMaker m = with_server();
  m.add(inferred(Ctx(100, ContextKind::Cancel).from(16).under(16).at("handle", "h.go", 9).inuse(3000, 300'000), 3000));
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.findings.stale.size(), 1u);
  const StaleChild& s = a.findings.stale[0];
  EXPECT_TRUE(s.reasons.never_cancelled);
  EXPECT_FALSE(s.reasons.cancel_dropped);
  EXPECT_EQ(s.entries, 3000u);
  EXPECT_EQ(a.summary.stale, 3000u);
  // The creation site counts entries too, as the summary (and a diff's headline) does.
  EXPECT_EQ(a.sites[a.context_site[a.findings.stale[0].context]].stale, 3000u);
  ASSERT_EQ(a.stale_groups.size(), 1u);
  EXPECT_EQ(a.stale_groups[0].entries, 3000u);
  EXPECT_EQ(a.stale_groups[0].never_cancelled, 3000u);
  ASSERT_EQ(a.suspects.size(), 1u);  // 3,000 entries pass the 100-entry rule
  EXPECT_NE(a.suspects[0].sentence.find("holds 3,000 uncancelled children created at handle h.go:9 that are still "
                                        "in its children set after GC"),
            std::string::npos)
      << a.suspects[0].sentence;
}

TEST(InferredFindings, InferredChildrenOfAnEndedParentAreNotStale) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).named("closed").ended(ContextState::Cancelled, kNow - kSecond));
  m.add(inferred(Ctx(100, ContextKind::Cancel).from(20).under(20).at("handle", "h.go", 9).inuse(30, 3000), 10));
  EXPECT_TRUE(std::move(m).analyze().findings.stale.empty());
}

TEST(InferredFindings, TimerHeldChildrenHaveNoRegistrarAndTheirOwnSentence) {
  ProfileMaker m = with_server();
  Ctx child = inferred(Ctx(100, ContextKind::Deadline).from(1).at("session", "s.go", 5).inuse(200, 40'000), 200);
  child.c.timer_held = true;
  m.add(child);
  AnalysisOptions every_set_stale;
  every_set_stale.findings.in_flight_bound = 0;
  const Analysis a = std::move(m).analyze(every_set_stale);
  ASSERT_EQ(a.findings.stale.size(), 1u);
  EXPECT_TRUE(a.findings.stale[0].reasons.timer_held);
  EXPECT_EQ(a.findings.stale[0].registrar_id, 0u);
  ASSERT_EQ(a.suspects.size(), 1u);
  EXPECT_EQ(a.stale_groups[0].timer_held, 200u);
  EXPECT_TRUE(a.suspects[0].sentence.starts_with("Pending timers hold 200 uncancelled children created at session s.go:5"))
      << a.suspects[0].sentence;
}

TEST(InferredFindings, ATimerDueSoonHoldsNothingForLong) {
  ProfileMaker m = with_server();
  Ctx child = Ctx(100, ContextKind::Deadline).from(1).at("session", "s.go", 5).inuse(2, 400).dropped().deadline(kNow + kSecond);
  child.c.timer_held = true;
  m.add(child);
  EXPECT_TRUE(std::move(m).analyze().findings.stale.empty());
}

TEST(InferredFindings, ChildOfBackgroundWithoutTimerEvidenceIsNotStale) {
  ProfileMaker m = with_server();
  m.add(inferred(Ctx(100, ContextKind::Deadline).from(1).at("session", "s.go", 5).inuse(2, 400), 5));
  EXPECT_TRUE(std::move(m).analyze().findings.stale.empty());
}

// The in-flight bound (docs/interop.md, "In flight or leaked"): a set inferred from one
// profile below it is ambiguous, a warning; at or above it (a sampled count: its range's
// low end) it is stale; over a series a set that grew is stale and a flat one passes.

Ctx sampled(Ctx c, std::uint64_t count, std::uint64_t low, std::uint64_t high, std::uint64_t samples) {
  c = inferred(c, count);
  c.c.count_sampled = true;
  c.c.count_low = low;
  c.c.count_high = high;
  c.c.count_samples = samples;
  return c;
}

Ctx handle_child(ContextId id = 100) { return Ctx(id, ContextKind::Cancel).from(16).under(16).at("handle", "h.go", 9).inuse(30, 3000); }

TEST(InFlightBound, ExactSetBelowTheBoundIsInFlightNotStale) {
  ProfileMaker m = with_server();
  m.add(inferred(handle_child(), 1000));
  const Analysis a = std::move(m).analyze();
  EXPECT_TRUE(a.findings.stale.empty());
  ASSERT_EQ(a.findings.in_flight.size(), 1u);
  const InFlightSet& s = a.findings.in_flight[0];
  EXPECT_EQ(s.count, 1000u);
  EXPECT_EQ(s.low, 1000u);
  EXPECT_FALSE(s.sampled);
  EXPECT_EQ(s.bound, FindingOptions::kDefaultInFlightBound);
  EXPECT_NE(describe(a, s).find("1,000 uncancelled children created at handle h.go:9: below the in-flight bound (2,000"),
            std::string::npos)
      << describe(a, s);
}

TEST(InFlightBound, ExactSetAtTheBoundIsStale) {
  ProfileMaker m = with_server();
  m.add(inferred(handle_child(), FindingOptions::kDefaultInFlightBound));
  const Analysis a = std::move(m).analyze();
  EXPECT_TRUE(a.findings.in_flight.empty());
  ASSERT_EQ(a.findings.stale.size(), 1u);
  EXPECT_EQ(a.findings.stale[0].entries, FindingOptions::kDefaultInFlightBound);
}

TEST(InFlightBound, TheBoundIsAnOptionAndZeroMakesEverySetStale) {
  ProfileMaker small = with_server();
  small.add(inferred(handle_child(), 1000));
  AnalysisOptions off;
  off.findings.in_flight_bound = 0;
  EXPECT_EQ(std::move(small).analyze(off).findings.stale.size(), 1u);
  ProfileMaker large = with_server();
  large.add(inferred(handle_child(), 1000));
  AnalysisOptions high;
  high.findings.in_flight_bound = 500;
  EXPECT_EQ(std::move(large).analyze(high).findings.stale.size(), 1u);
}

TEST(InFlightBound, SampledSetIsStaleOnlyWhenItsRangesLowEndPassesTheBound) {
  // One lucky sample: a point estimate of 16,384 whose range reaches down to 415.
  ProfileMaker thin = with_server();
  thin.add(sampled(handle_child(), 16384, 415, 91'000, 1));
  const Analysis a = std::move(thin).analyze();
  EXPECT_TRUE(a.findings.stale.empty());
  ASSERT_EQ(a.findings.in_flight.size(), 1u);
  EXPECT_TRUE(a.findings.in_flight[0].sampled);
  const std::string said = describe(a, a.findings.in_flight[0]);
  EXPECT_NE(said.find("(estimated from 1 sample: 415–91,000, 95 % range): not enough samples (1) to decide"),
            std::string::npos)
      << said;
  EXPECT_EQ(said.find("not a leak"), std::string::npos) << said;

  ProfileMaker strong = with_server();
  strong.add(sampled(handle_child(), 9000, 4100, 17'000, 12));
  const Analysis b = std::move(strong).analyze();
  EXPECT_TRUE(b.findings.in_flight.empty());
  ASSERT_EQ(b.findings.stale.size(), 1u);
  EXPECT_EQ(b.findings.stale[0].entries, 9000u);
}

Profile server_with(std::uint64_t sequence, std::uint64_t seconds, Ctx child) {
  ProfileMaker m = with_server(seconds * kSecond);
  m.meta().sequence = sequence;
  if (child.c.count != 0) m.add(std::move(child));
  return std::move(m).profile();
}

TEST(InFlightBound, SetThatGrewBeyondThePreviousRangeIsStaleBelowTheBound) {
  std::vector<Profile> profiles;
  profiles.push_back(server_with(0, 10, inferred(handle_child(), 100)));
  profiles.push_back(server_with(1, 20, inferred(handle_child(), 1500)));
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  EXPECT_TRUE(s.latest().findings.in_flight.empty());
  ASSERT_EQ(s.latest().findings.stale.size(), 1u);
  EXPECT_EQ(s.latest().findings.stale[0].entries, 1500u);
}

TEST(InFlightBound, SetFlatOverASeriesIsInFlightAndMarkedFlat) {
  std::vector<Profile> profiles;
  profiles.push_back(server_with(0, 10, sampled(handle_child(), 3000, 200, 9000, 2)));
  profiles.push_back(server_with(1, 20, sampled(handle_child(), 1500, 40, 8000, 1)));
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  EXPECT_TRUE(s.latest().findings.stale.empty());
  ASSERT_EQ(s.latest().findings.in_flight.size(), 1u);
  EXPECT_TRUE(s.latest().findings.in_flight[0].flat);
  // The series decided: the sentence says so instead of asking for a series.
  const std::string said = describe(s.latest(), s.latest().findings.in_flight[0]);
  EXPECT_NE(said.find("did not grow beyond the previous snapshot's range over the series"), std::string::npos) << said;
  EXPECT_NE(said.find("`check` passes it"), std::string::npos) << said;
  EXPECT_EQ(said.find("A series where the set grows decides"), std::string::npos) << said;
  EXPECT_EQ(said.find("not enough samples"), std::string::npos) << said;
}

TEST(InFlightBound, ASetThatShrankOverTheSeriesIsInFlightAndPasses) {
  // A busy server's requests: 1,967 in flight at the first profile, 1,166 at the second
  // (Go 1.23's full-rate busy series). Work that finished, never a leak.
  std::vector<Profile> profiles;
  profiles.push_back(server_with(0, 10, inferred(handle_child(), 1967)));
  profiles.push_back(server_with(1, 20, inferred(handle_child(), 1166)));
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  EXPECT_TRUE(s.latest().findings.stale.empty());
  ASSERT_EQ(s.latest().findings.in_flight.size(), 1u);
  EXPECT_TRUE(s.latest().findings.in_flight[0].flat);
  EXPECT_TRUE(s.latest().findings.in_flight[0].passes());
  const std::string said = describe(s.latest(), s.latest().findings.in_flight[0]);
  EXPECT_EQ(said.find("A series where the set grows decides"), std::string::npos) << said;
}

TEST(InFlightBound, SampledSetAbsentBeforeHasNotGrownOnOneSample) {
  // A set with no sample in the earlier profile: zero samples allow up to 3.69 samples'
  // worth there, so one sample now is no growth.
  std::vector<Profile> profiles;
  Ctx none = handle_child();
  none.c.count = 0;
  profiles.push_back(server_with(0, 10, none));
  profiles.push_back(server_with(1, 20, sampled(handle_child(), 3600, 90, 20'000, 1)));
  EXPECT_EQ(inferred_set_change(profiles[1].contexts.back(), nullptr), SetChange::Neither);
  const SeriesAnalysis s = analyze_series(std::move(profiles));
  EXPECT_TRUE(s.latest().findings.stale.empty());
  ASSERT_EQ(s.latest().findings.in_flight.size(), 1u);
  EXPECT_FALSE(s.latest().findings.in_flight[0].flat);
}

TEST(InFlightBound, SetAbsentBeforeIsJudgedByTheSamplesThePreviousProfileHeldAtItsStacks) {
  // 1,500 estimated from 13 samples (range 800-2,600): grown from nothing sampled before,
  // flat when the previous profile held 11 samples at the same stacks (a busy server's
  // request bodies sampled before, its contexts not).
  const Context latest = sampled(handle_child(), 1500, 800, 2600, 13).c;
  EXPECT_EQ(inferred_set_change(latest, nullptr, 0), SetChange::Grown);
  EXPECT_EQ(inferred_set_change(latest, nullptr, 11), SetChange::Flat);
  // A leak that grew from 1 sample's worth to 13 still grew.
  EXPECT_EQ(inferred_set_change(sampled(handle_child(), 10'000, 6'000, 16'000, 13).c, nullptr, 1), SetChange::Grown);
}

TEST(InFlightBound, ADeadlineSetThatGrewByFarLessThanItsStacksAllocatedIsLingeringNotGrown) {
  // Go <= 1.22: 20,000 requests each made a timerCtx and a 4 KiB body and cancelled it;
  // 16 cancelled children still sit in the timer heap at the latest profile.
  const Context deadline = inferred(Ctx(100, ContextKind::Deadline).from(16).under(16).at("loop", "l.go", 38), 16).c;
  const SetTurnover residue{20'000u * 4200u, 16u * 4200u};
  EXPECT_EQ(inferred_set_change(deadline, nullptr, 0, residue), SetChange::Lingering);
  // A leak keeps every child whose cancel it drops: half of them here.
  EXPECT_EQ(inferred_set_change(deadline, nullptr, 0, {20'000u * 4200u, 10'000u * 4200u}), SetChange::Grown);
  // cancelCtx children do not linger in a timer heap.
  const Context cancel = inferred(Ctx(101, ContextKind::Cancel).from(16).under(16).at("loop", "l.go", 37), 16).c;
  EXPECT_EQ(inferred_set_change(cancel, nullptr, 0, residue), SetChange::Grown);
  // A set that also grew over the step before keeps growing, whatever it frees.
  EXPECT_EQ(inferred_set_change(deadline, nullptr, 0, residue, true), SetChange::Grown);
  // Nothing known of what its stacks allocated: growth.
  EXPECT_EQ(inferred_set_change(deadline, nullptr, 0), SetChange::Grown);
}

}  // namespace
