// Allocation-stack views (alloc_stacks.hpp) on hand-built profiles with known answers,
// on a deep stack, and on a synthetic snapshot with sampled sites of many contexts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "alloc_stacks_checks.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "synthetic_snapshot.hpp"

namespace {

using namespace ctxheap::analyzer;
using alloc_stacks_test::expect_consistent;

struct StackText {
  std::vector<std::string_view> frames;  ///< leaf first
  std::uint64_t inuse = 0;
  std::uint64_t alloc = 0;
  ctxheap::ContextId context = 0;
};

Profile stacks_profile(const std::vector<StackText>& stacks, std::uint64_t interval = 0) {
  ProfileBuilder b;
  b.meta().sampling_interval_bytes = interval;
  for (const StackText& s : stacks) {
    std::vector<FrameText> frames;
    std::uint64_t a = 0x1000;
    for (auto f : s.frames) frames.push_back({f, "app.cpp", 10, "app", a += 16, a});
    Site site;
    site.context_id = s.context;
    site.stack = b.add_stack(std::span<const FrameText>(frames));
    site.estimated = {s.alloc / 8, s.alloc, s.inuse / 8, s.inuse};
    site.sampled = {s.alloc / 80 + 1, s.alloc / 10, s.inuse / 80, s.inuse / 10};
    b.add_site(site);
  }
  return std::move(b).finish();
}

const AllocNode* named(const AllocationStacks& a, const std::vector<AllocNode>& rows, std::string_view name) {
  for (const AllocNode& r : rows)
    if (a.function_name(r.function) == name) return &r;
  return nullptr;
}

// main → serve → {parse → malloc (800 in use), cache_put → malloc (3000)}; main → log (200).
Profile server() {
  return stacks_profile({{{"malloc", "parse", "serve", "main"}, 800, 8000},
                         {{"malloc", "cache_put", "serve", "main"}, 3000, 3000},
                         {{"malloc", "cache_put", "serve", "main"}, 1000, 1000, 7},  // same stack, another context
                         {{"log", "main"}, 200, 400}});
}

TEST(AllocStacks, TopDownStartsAtMainAndSumsCallersOverCallees) {
  const Profile p = server();
  const AllocationStacks a(p);
  const AllocNode root = a.root(AllocView::TopDown);
  EXPECT_EQ(root.total.inuse_bytes, 5000u);
  const auto top = a.children(AllocView::TopDown, root.ref, AllocMeasure::InUse);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(a.function_name(top[0].function), "main");
  const auto under_main = a.children(AllocView::TopDown, top[0].ref, AllocMeasure::InUse);
  ASSERT_EQ(under_main.size(), 2u);
  EXPECT_EQ(a.function_name(under_main[0].function), "serve");  // largest in use first
  EXPECT_EQ(under_main[0].total.inuse_bytes, 4800u);
  EXPECT_EQ(under_main[1].self.inuse_bytes, 200u);  // log allocated itself
  const auto under_serve = a.children(AllocView::TopDown, under_main[0].ref, AllocMeasure::InUse);
  ASSERT_EQ(under_serve.size(), 2u);
  EXPECT_EQ(a.function_name(under_serve[0].function), "cache_put");
  // malloc is folded away: cache_put is the allocating function.
  EXPECT_EQ(under_serve[0].self.inuse_bytes, 4000u);
  EXPECT_FALSE(under_serve[0].has_children);
  expect_consistent(p, a);
}

TEST(AllocStacks, AllocatedOrderRanksByEverythingAllocated) {
  const AllocationStacks a(server());
  const auto main = a.children(AllocView::TopDown, a.root(AllocView::TopDown).ref, AllocMeasure::Allocated);
  const auto serve = a.children(AllocView::TopDown, main[0].ref, AllocMeasure::Allocated);
  const auto kids = a.children(AllocView::TopDown, serve[0].ref, AllocMeasure::Allocated);
  EXPECT_EQ(a.function_name(kids[0].function), "parse");  // 8000 allocated beats 4000
  EXPECT_EQ(kids[0].total.alloc_bytes, 8000u);
}

TEST(AllocStacks, BottomUpStartsAtTheAllocatingFunction) {
  const Profile p = server();
  const AllocationStacks a(p);
  const auto leaves = a.children(AllocView::BottomUp, a.root(AllocView::BottomUp).ref, AllocMeasure::InUse);
  ASSERT_EQ(leaves.size(), 3u);
  EXPECT_EQ(a.function_name(leaves[0].function), "cache_put");
  EXPECT_EQ(leaves[0].total.inuse_bytes, 4000u);
  const auto callers = a.children(AllocView::BottomUp, leaves[0].ref, AllocMeasure::InUse);
  ASSERT_EQ(callers.size(), 1u);
  EXPECT_EQ(a.function_name(callers[0].function), "serve");
  EXPECT_EQ(callers[0].total.inuse_bytes, 4000u);
  EXPECT_EQ(callers[0].self.inuse_bytes, 0u);
}

TEST(AllocStacks, AllFramesShowsTheAllocatorFramesFoldingHides) {
  const Profile p = server();
  const AllocationStacks all(p, FrameDetail::All);
  const auto leaves = all.children(AllocView::BottomUp, all.root(AllocView::BottomUp).ref, AllocMeasure::InUse);
  ASSERT_NE(named(all, leaves, "malloc"), nullptr);
  EXPECT_EQ(named(all, leaves, "malloc")->total.inuse_bytes, 4800u);
  const AllocationStacks folded(p);
  EXPECT_TRUE(folded.find("malloc").empty());
  expect_consistent(p, all);
}

TEST(AllocStacks, CallerCalleeOfOneFunction) {
  const Profile p = server();
  const AllocationStacks a(p);
  const auto serve = a.find("serve");
  ASSERT_EQ(serve.size(), 1u);
  const CallerCallee cc = a.caller_callee(serve[0], AllocMeasure::InUse);
  EXPECT_EQ(cc.function.total.inuse_bytes, 4800u);
  EXPECT_EQ(cc.function.self.inuse_bytes, 0u);
  ASSERT_EQ(cc.callers.size(), 1u);
  EXPECT_EQ(a.function_name(cc.callers[0].function), "main");
  EXPECT_EQ(cc.callers[0].total.inuse_bytes, 4800u);
  ASSERT_EQ(cc.callees.size(), 2u);
  EXPECT_EQ(a.function_name(cc.callees[0].function), "cache_put");
  EXPECT_EQ(cc.callees[0].total.inuse_bytes, 4000u);
  EXPECT_EQ(cc.callees[0].self.inuse_bytes, 4000u);
  EXPECT_EQ(cc.callees[1].total.inuse_bytes, 800u);
}

TEST(AllocStacks, RecursionCountsAStackOncePerFunction) {
  const Profile p = stacks_profile({{{"malloc", "walk", "walk", "walk", "main"}, 100, 100}});
  const AllocationStacks a(p);
  const auto fns = a.functions(AllocMeasure::InUse);
  const AllocNode* walk = named(a, fns, "walk");
  ASSERT_NE(walk, nullptr);
  EXPECT_EQ(walk->total.inuse_bytes, 100u);
  EXPECT_EQ(walk->self.inuse_bytes, 100u);
  const CallerCallee cc = a.caller_callee(walk->function, AllocMeasure::InUse);
  EXPECT_EQ(cc.function.total.inuse_bytes, 100u);
  ASSERT_EQ(cc.callers.size(), 2u);  // main and walk itself, each once
  for (const AllocNode& c : cc.callers) EXPECT_EQ(c.total.inuse_bytes, 100u);
  expect_consistent(p, a);
}

TEST(AllocStacks, InstantiationsFoldedToOneNameAreOneCallNotACallToItself) {
  // Pool<int>::grow calls Pool<long>::grow: folded, both read "Pool<…>::grow".
  const Profile p = stacks_profile({{{"malloc", "Pool<long>::grow", "Pool<int>::grow", "serve", "main"}, 300, 300},
                                    {{"malloc", "Pool<int>::grow", "serve", "main"}, 100, 100}});
  const AllocationStacks a(p);
  const auto grow = a.find("Pool<");
  ASSERT_EQ(grow.size(), 1u);
  const CallerCallee cc = a.caller_callee(grow[0], AllocMeasure::InUse);
  ASSERT_EQ(cc.callers.size(), 1u);  // serve only, not Pool<…>::grow itself
  EXPECT_EQ(a.function_name(cc.callers[0].function), "serve");
  EXPECT_EQ(cc.callers[0].total.inuse_bytes, 400u);
  EXPECT_TRUE(cc.callees.empty());
  EXPECT_EQ(cc.function.self.inuse_bytes, 400u);
  // The trees agree: one Pool<…>::grow node under serve, allocating all 400 itself.
  const auto main = a.children(AllocView::TopDown, a.root(AllocView::TopDown).ref, AllocMeasure::InUse);
  const auto serve = a.children(AllocView::TopDown, main[0].ref, AllocMeasure::InUse);
  const auto under_serve = a.children(AllocView::TopDown, serve[0].ref, AllocMeasure::InUse);
  ASSERT_EQ(under_serve.size(), 1u);
  EXPECT_EQ(under_serve[0].self.inuse_bytes, 400u);
  EXPECT_FALSE(under_serve[0].has_children);
  // With every frame the two instantiations are two functions again.
  const AllocationStacks all(p, FrameDetail::All);
  EXPECT_EQ(all.find("Pool<").size(), 2u);
  expect_consistent(p, a);
}

TEST(AllocStacks, SearchKeepsOnlyStacksThroughAMatchingFunction) {
  const Profile p = server();
  const AllocationStacks a(p);
  const AllocationStacks f = a.filtered("CACHE");
  EXPECT_EQ(f.total().inuse_bytes, 4000u);
  EXPECT_EQ(f.stack_count(), 1u);
  const auto leaves = f.children(AllocView::BottomUp, f.root(AllocView::BottomUp).ref, AllocMeasure::InUse);
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(f.function_name(leaves[0].function), "cache_put");
  EXPECT_EQ(a.filtered("no such function").total(), SampleCounts{});
  EXPECT_EQ(a.filtered("").total(), a.total());
}

TEST(AllocStacks, SampledFiguresAreEstimatesWithARange) {
  const Profile exact = server();
  EXPECT_FALSE(AllocationStacks(exact).estimated());
  EXPECT_EQ(estimate_mark(AllocationStacks(exact)), "");
  const Profile sampled = stacks_profile({{{"make_body", "main"}, 512 * 1024, 1024 * 1024}}, 512 * 1024);
  const AllocationStacks a(sampled);
  ASSERT_TRUE(a.estimated());
  EXPECT_EQ(estimate_mark(a), "≈");
  const Estimate e = a.estimate(a.root(AllocView::TopDown), AllocMeasure::InUse);
  EXPECT_FALSE(e.exact);
  EXPECT_LT(e.low, e.value);
  EXPECT_GT(e.high, e.value);
}

TEST(AllocStacks, AStackOfAHundredThousandFramesNeedsNoRecursion) {
  constexpr std::size_t kDepth = 100'000;  // deeper than a recursive walk survives in 8 MiB of stack
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kDepth; ++i) names.push_back("f" + std::to_string(i));
  StackText deep;
  for (const auto& n : names) deep.frames.push_back(n);
  deep.inuse = deep.alloc = 64;
  const Profile p = stacks_profile({deep});
  const AllocationStacks a(p);
  AllocNode n = a.root(AllocView::TopDown);
  std::size_t depth = 0;
  while (n.has_children) {
    n = a.children(AllocView::TopDown, n.ref, AllocMeasure::InUse).front();
    ++depth;
  }
  EXPECT_EQ(depth, kDepth);
  EXPECT_EQ(a.function_name(n.function), "f0");
  EXPECT_EQ(n.self.inuse_bytes, 64u);
}

TEST(AllocStacks, SyntheticSnapshotSitesAddUpAcrossViews) {
  const auto path = std::filesystem::temp_directory_path() / ("ctxheap_alloc_stacks_" + std::to_string(::getpid()));
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() { std::filesystem::remove(p); }
  } cleanup{path};
  ctxheap_bench::SyntheticShape shape;
  shape.contexts = 3'000;
  shape.alloc_stacks = 300;
  ctxheap_bench::write_synthetic_snapshot(path, shape);
  const Profile p = load_profile(path);
  ASSERT_GT(p.sites.size(), 1000u);
  const AllocationStacks a(p);
  EXPECT_GT(a.stack_count(), 100u);
  expect_consistent(p, a);
  expect_consistent(p, AllocationStacks(p, FrameDetail::All));
}

}  // namespace
