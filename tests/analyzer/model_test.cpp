// The model and its builder: one table per thing, deduplicated, and counters that fall
// back to the sites' estimates when the input has no exact ones.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

TEST(ProfileBuilder, IdenticalStacksShareOneIndex) {
  ProfileBuilder b;
  const FrameText a[] = {{"f", "a.cpp", 1, "m", 0x10, 0x10, false}, {"main", "a.cpp", 9, "m", 0x20, 0x20, false}};
  const FrameText other[] = {{"g", "a.cpp", 2, "m", 0x30, 0x30, false}};
  const Index first = b.add_stack(std::span<const FrameText>(a));
  const Index second = b.add_stack(std::span<const FrameText>(other));
  EXPECT_EQ(b.add_stack(std::span<const FrameText>(a)), first);
  EXPECT_NE(first, second);
  const Profile p = std::move(b).finish();
  ASSERT_EQ(p.stacks.size(), 2u);
  ASSERT_EQ(p.stack_frames(first).size(), 2u);
  EXPECT_EQ(p.str(p.stack_frames(first)[1].function), "main");
  EXPECT_EQ(p.frames.size(), 3u);
}

TEST(ProfileBuilder, InternGivesOneIdPerTextAndZeroForEmpty) {
  ProfileBuilder b;
  EXPECT_EQ(b.intern(""), 0u);
  const StringId x = b.intern("x");
  EXPECT_EQ(b.intern("x"), x);
  EXPECT_NE(b.intern("y"), x);
  const Profile p = std::move(b).finish();
  EXPECT_EQ(p.str(x), "x");
  EXPECT_EQ(p.str(0), "");
}

TEST(ProfileBuilder, CountersComeFromSiteEstimatesWhenThereAreNoExactOnes) {
  ProfileMaker m;
  m.add(Ctx(1, ContextKind::Background));
  m.add(Ctx(5, ContextKind::Cancel).from(1));
  const FrameText f[] = {{"alloc_here", "a.cpp", 3, "m", 1, 1, false}};
  const Index stack = m.builder().add_stack(std::span<const FrameText>(f));
  m.builder().add_site({5, stack, {1, 100, 1, 100}, {10, 1000, 4, 400}});
  m.builder().add_site({5, stack, {1, 100, 0, 0}, {10, 1000, 0, 0}});
  m.builder().add_site({0, stack, {1, 50, 1, 50}, {2, 100, 2, 100}});
  const Profile p = std::move(m).profile();
  EXPECT_EQ(p.meta.counters, CounterSource::SampledEstimate);
  const Context& c = p.contexts[1];
  EXPECT_EQ(c.counters.alloc_objects, 20u);
  EXPECT_EQ(c.counters.inuse_objects(), 4u);
  EXPECT_EQ(c.counters.inuse_bytes(), 400u);
  EXPECT_EQ(p.totals.no_context.inuse_bytes(), 100u);
  EXPECT_EQ(p.heap_inuse_bytes(), 500u);
}

TEST(ProfileBuilder, ExactCountersAreKeptWhenPresent) {
  ProfileMaker m;
  m.add(Ctx(5, ContextKind::Cancel).inuse(2, 64));
  const FrameText f[] = {{"alloc_here", "a.cpp", 3, "m", 1, 1, false}};
  const Index stack = m.builder().add_stack(std::span<const FrameText>(f));
  m.builder().add_site({5, stack, {1, 100, 1, 100}, {10, 1000, 4, 400}});
  const Profile p = std::move(m).profile();
  EXPECT_EQ(p.meta.counters, CounterSource::Exact);
  EXPECT_EQ(p.contexts[0].counters.inuse_bytes(), 64u);
}

TEST(ProfileBuilder, NoContextSitesNeverClaimMoreThanTheExactNoContextTotals) {
  // A program that uses no contexts (`ctxheap record`): only Background exists, with no
  // counters; the no-context bucket is counted exactly and its sampled sites, scaled up,
  // claim more than it holds. They are reconciled down to the exact totals.
  ProfileMaker m;
  m.add(Ctx(1, ContextKind::Background));
  const FrameText f[] = {{"arena_map_get", "obmalloc.c", 1471, "python3", 1, 1, false}};
  const Index stack = m.builder().add_stack(std::span<const FrameText>(f));
  m.builder().add_site({0, stack, {5, 600000, 5, 600000}, {5, 592600, 5, 592600}});
  m.builder().totals().no_context = {104 + 50, 440320 + 10000, 50, 10000};
  const Profile p = std::move(m).profile();
  ASSERT_EQ(p.sites.size(), 1u);
  EXPECT_LE(p.sites[0].estimated.inuse_bytes, p.totals.no_context.inuse_bytes());
  EXPECT_LE(p.sites[0].estimated.alloc_bytes, p.totals.no_context.alloc_bytes);
  EXPECT_EQ(p.totals.no_context.inuse_bytes(), 440320u);
}

TEST(Counters, RatioIsInUseOverAllocatedBytes) {
  EXPECT_DOUBLE_EQ(inuse_ratio({4, 1000, 2, 750}), 0.25);
  EXPECT_DOUBLE_EQ(inuse_ratio({}), 0.0);
}

TEST(Text, NumbersAreWrittenTheSameEverywhere) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(20000), "20,000");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(4544), "4.4 KiB");
  EXPECT_EQ(format_bytes(90880000), "86.7 MiB");
  EXPECT_EQ(format_bytes(1ull << 30), "1.0 GiB");
  EXPECT_EQ(format_share(0.6712), "67 %");
  EXPECT_EQ(format_share(0.045), "4.5 %");
  EXPECT_EQ(format_share(0.0004), "<0.1 %");
  EXPECT_EQ(format_share(0), "0 %");
  // Almost all is not all: 99.96 % must not read as 100 %.
  EXPECT_EQ(format_share(0.9996), "99.9 %");
  EXPECT_EQ(format_share(0.997), "99.7 %");
  EXPECT_EQ(format_share(1.0), "100 %");
  EXPECT_EQ(format_duration(60 * kSecond), "1.0 min");
  EXPECT_EQ(format_duration(1'500'000'000), "1.5 s");
  EXPECT_EQ(format_duration(2'000'000), "2 ms");
  EXPECT_EQ(format_rate(1234.56), "1,234.6");
  EXPECT_EQ(format_rate(-0.04), "0.0");
  EXPECT_EQ(format_rate(-2.5), "-2.5");
}

TEST(Enums, HaveStableNames) {
  EXPECT_EQ(to_string(ContextKind::AfterFunc), "after_func");
  EXPECT_EQ(to_string(ContextErr::DeadlineExceeded), "deadline_exceeded");
  EXPECT_EQ(to_string(GrowthVerdict::Plateau), "plateau");
  EXPECT_EQ(to_string(StaleReasons{true, true}), "cancel_dropped+idle");
  EXPECT_EQ(to_string(RetentionEdge::CreatedFrom), "created_from");
  EXPECT_EQ(to_string(GroupChange::Fixed), "fixed");
}

}  // namespace
