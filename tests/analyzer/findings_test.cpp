// Findings on hand-built profiles with known truth: stale child entries and why, memory
// retained after cancel, blocked waiters.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

const StaleChild* stale_of(const Analysis& a, ContextId id) {
  const Index i = a.forest.find(id);
  if (i == kNoIndex || a.findings.stale_of_context[i] == kNoIndex) return nullptr;
  return &a.findings.stale[a.findings.stale_of_context[i]];
}

TEST(StaleChild, DroppedCancelUnderALiveParentIsStale) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, /*dropped=*/true);
  const Analysis a = std::move(m).analyze();
  const StaleChild* s = stale_of(a, 18);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->reasons.cancel_dropped);
  EXPECT_FALSE(s->reasons.idle);  // 5 s since its last allocation: not idle
  EXPECT_EQ(s->registrar, a.forest.find(16));
  EXPECT_EQ(s->registrar_id, 16u);
  EXPECT_EQ(s->retained.bytes, 272u + 4096 + 176);
  EXPECT_TRUE(a.node(s->context).stale);
  EXPECT_EQ(a.node(a.forest.find(16)).stale_children, 1u);
  EXPECT_EQ(a.summary.stale, 1u);
  EXPECT_EQ(describe(a, *s),
            "Context #18 \"request\" (created at handle_request handler.cpp:88) is registered under #16 \"server\" "
            "and was never cancelled: its cancel was dropped; it retains 4.4 KiB in 3 objects.");
}

TEST(StaleChild, ChildWhoseCancelWasKeptAndWhichIsActiveIsNotStale) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, /*dropped=*/false);
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(a.findings.stale.size(), 0u);
  EXPECT_EQ(a.node(a.forest.find(16)).stale_children, 0u);
}

TEST(StaleChild, AnIdleChildWithItsCancelKeptIsAnIdleEntryNotStale) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).created(kNow - 100 * kSecond).last_alloc(kNow - 61 * kSecond));
  m.add(Ctx(21, ContextKind::Cancel).from(16).under(16).created(kNow - 100 * kSecond).last_alloc(kNow - 59 * kSecond));
  m.add(Ctx(22, ContextKind::Cancel).from(16).under(16).created(kNow - 100 * kSecond).last_alloc(0));  // never allocated
  const Analysis a = std::move(m).analyze();
  EXPECT_TRUE(a.findings.stale.empty());
  ASSERT_EQ(a.findings.idle.size(), 2u);  // longest idle first
  EXPECT_EQ(a.context(a.findings.idle[0].context).id, 22u);  // idle since its creation
  EXPECT_EQ(a.findings.idle[0].idle_ns, 100 * kSecond);
  EXPECT_EQ(a.context(a.findings.idle[1].context).id, 20u);
  EXPECT_EQ(a.findings.idle[1].idle_ns, 61 * kSecond);
  EXPECT_EQ(a.findings.idle[1].age_ns, 100 * kSecond);
}

TEST(StaleChild, IdleThresholdIsConfigurable) {
  auto make = [] {
    ProfileMaker m = with_server();
    m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).created(kNow - 100 * kSecond).last_alloc(kNow - 20 * kSecond));
    return m;
  };
  EXPECT_EQ(make().analyze().findings.idle.size(), 0u);
  AnalysisOptions options;
  options.findings.idle_threshold_ns = 10 * kSecond;
  EXPECT_EQ(make().analyze(options).findings.idle.size(), 1u);
  EXPECT_EQ(make().analyze(options).findings.stale.size(), 0u);  // idle is never stale on its own
  options.findings.idle_threshold_ns = 0;  // off
  EXPECT_EQ(make().analyze(options).findings.idle.size(), 0u);
}

TEST(StaleChild, IdleChildWithAWaiterIsNotStale) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).created(kNow - 100 * kSecond).last_alloc(0).waiters(1));
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(a.findings.stale.size(), 0u);
  EXPECT_EQ(a.findings.idle.size(), 0u);
}

TEST(StaleChild, RecentAllocationInItsSubtreeKeepsAChildActive) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).created(kNow - 100 * kSecond).last_alloc(0));
  m.add(Ctx(21, ContextKind::Value).from(20).created(kNow - 100 * kSecond).last_alloc(kNow - kSecond));
  EXPECT_EQ(std::move(m).analyze().findings.stale.size(), 0u);
}

TEST(StaleChild, CancelledOrUnregisteredChildrenAreNotStale) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).dropped().ended(ContextState::Cancelled, kNow - kSecond));
  m.add(Ctx(21, ContextKind::Cancel).from(1).dropped());  // a child of Background: registered nowhere
  m.add(Ctx(22, ContextKind::Cancel).from(16).under(16).dropped().ended(ContextState::Cancelled, kNow - kSecond));
  EXPECT_EQ(std::move(m).analyze().findings.stale.size(), 0u);
}

TEST(StaleChild, EntryUnderAnEndedRegistrarIsNotStale) {
  ProfileMaker m;
  m.add(Ctx(1, ContextKind::Background));
  m.add(Ctx(16, ContextKind::Cancel).from(1).ended(ContextState::Cancelled, kNow - kSecond));
  m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).dropped());
  EXPECT_EQ(std::move(m).analyze().findings.stale.size(), 0u);
}

TEST(StaleChild, EntryUnderAnAbsentRegistrarIsStillStale) {
  ProfileMaker m;
  m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).dropped().inuse(1, 100));
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.findings.stale.size(), 1u);
  EXPECT_EQ(a.findings.stale[0].registrar, kNoIndex);
  EXPECT_EQ(a.findings.stale[0].registrar_id, 16u);
}

TEST(StaleChild, TimerDueWithinTheGraceIsNotStaleButAFarDeadlineIs) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Deadline).from(16).under(16).dropped().deadline(kNow + kSecond / 5));
  m.add(Ctx(21, ContextKind::Deadline).from(16).under(16).dropped().deadline(kNow + 3600 * kSecond));
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(stale_of(a, 20), nullptr);
  EXPECT_NE(stale_of(a, 21), nullptr);
}

TEST(StaleChild, StaleEntriesAreRankedByRetainedBytes) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, true, 100);
  add_request(m, 19, 20, true, 9000);
  add_request(m, 21, 22, true, 500);
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.findings.stale.size(), 3u);
  EXPECT_EQ(a.context(a.findings.stale[0].context).id, 20u);
  EXPECT_EQ(a.context(a.findings.stale[1].context).id, 22u);
  EXPECT_EQ(a.context(a.findings.stale[2].context).id, 18u);
}

TEST(Summary, NestedStaleEntriesAreCountedOnceInTheTotal) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).dropped().inuse(1, 100));
  m.add(Ctx(21, ContextKind::Cancel).from(20).under(20).dropped().inuse(1, 1000));
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(a.summary.stale, 2u);
  EXPECT_EQ(a.summary.stale_retained.bytes, 1100u);
  EXPECT_EQ(a.summary.heap_inuse_bytes, 264u + 1100);
}

TEST(RetainedAfterCancel, EndedContextStillOwningMemoryIsReported) {
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).named("job").ended(ContextState::Cancelled, kNow - 2 * kSecond).inuse(3, 12288).destroyed());
  m.add(Ctx(21, ContextKind::Deadline).from(16).ended(ContextState::Expired, kNow - kSecond).inuse(1, 272));  // its node only
  m.add(Ctx(22, ContextKind::Cancel).from(16).inuse(5, 50000));  // live: not "after cancel"
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.findings.retained_after_cancel.size(), 1u);
  const RetainedAfterCancel& r = a.findings.retained_after_cancel[0];
  EXPECT_EQ(a.context(r.context).id, 20u);
  EXPECT_EQ(r.inuse_bytes, 12288u);
  EXPECT_EQ(r.inuse_objects, 3u);
  EXPECT_EQ(r.ended_ago_ns, 2 * kSecond);
  EXPECT_TRUE(r.node_destroyed);
  EXPECT_EQ(describe(a, r),
            "Context #20 \"job\" (created at an unknown site) was cancelled 2.0 s before the snapshot but still owns "
            "12.0 KiB in 3 objects; the context itself is gone, its allocations outlived it.");
}

TEST(RetainedAfterCancel, ThresholdIsConfigurable) {
  auto make = [] {
    ProfileMaker m = with_server();
    m.add(Ctx(21, ContextKind::Deadline).from(16).ended(ContextState::Expired, kNow - kSecond).inuse(1, 272));
    return m;
  };
  EXPECT_EQ(make().analyze().findings.retained_after_cancel.size(), 0u);
  AnalysisOptions options;
  options.findings.retained_after_cancel_min_bytes = 1;
  EXPECT_EQ(make().analyze(options).findings.retained_after_cancel.size(), 1u);
}

TEST(BlockedWaiters, ThreadsWaitingOnAStaleChildAreReported) {
  ProfileMaker m;
  m.add(Ctx(1, ContextKind::Background));
  m.add(Ctx(16, ContextKind::Cancel).from(1).named("job"));
  for (ContextId id = 18; id < 18 + 2 * 3; id += 2) {
    m.add(Ctx(id - 1, ContextKind::Value).from(16).inuse(2, 65712));
    m.add(Ctx(id, ContextKind::Cancel).from(id - 1).under(16).named("worker").dropped().waiters(1).inuse(2, 16656));
  }
  m.add(Ctx(40, ContextKind::Cancel).from(16).under(16).waiters(2));  // waited on but not stale
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.findings.blocked_waiters.size(), 3u);
  EXPECT_EQ(a.summary.blocked_waiter_threads, 3u);
  EXPECT_EQ(a.findings.blocked_waiters[0].registrar, a.forest.find(16));
  EXPECT_EQ(describe(a, a.findings.blocked_waiters[0]).find("1 thread is blocked on done() of #"), 0u);
}

}  // namespace
