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
  m.add(inferred(Ctx(100, ContextKind::Cancel).from(16).under(16).at("handle", "h.go", 9).inuse(3000, 300'000), 1000));
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.findings.stale.size(), 1u);
  const StaleChild& s = a.findings.stale[0];
  EXPECT_TRUE(s.reasons.never_cancelled);
  EXPECT_FALSE(s.reasons.cancel_dropped);
  EXPECT_EQ(s.entries, 1000u);
  EXPECT_EQ(a.summary.stale, 1000u);
  // The creation site counts entries too, as the summary (and a diff's headline) does.
  EXPECT_EQ(a.sites[a.context_site[a.findings.stale[0].context]].stale, 1000u);
  ASSERT_EQ(a.stale_groups.size(), 1u);
  EXPECT_EQ(a.stale_groups[0].entries, 1000u);
  EXPECT_EQ(a.stale_groups[0].never_cancelled, 1000u);
  ASSERT_EQ(a.suspects.size(), 1u);  // 1,000 entries pass the 100-entry rule
  EXPECT_NE(a.suspects[0].sentence.find("holds 1,000 uncancelled children created at handle h.go:9 that are still "
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
  const Analysis a = std::move(m).analyze();
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

}  // namespace
