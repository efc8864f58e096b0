// The diff of allocation stacks (alloc_stacks_diff.hpp) on profiles shaped like two
// builds of one server: stacks match by their shown frames, so new addresses, shifted
// lines and different standard-library internals do not split them; All frames does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ctxheap/analyzer/alloc_stacks_diff.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"

namespace {

using namespace ctxheap::analyzer;

struct StackText {
  std::vector<std::string> frames;  ///< leaf first
  std::uint64_t inuse = 0;
  std::uint64_t alloc = 0;
  std::uint64_t objects = 0;  ///< 0: one per 64 bytes
};

/// A profile of `stacks`; `build` shifts every address and line, as a rebuild does.
Profile profile_of(const std::vector<StackText>& stacks, std::uint64_t build = 0) {
  ProfileBuilder b;
  for (const StackText& s : stacks) {
    std::vector<FrameText> frames;
    std::uint64_t a = 0x1000 + build * 0x100000;
    for (const auto& f : s.frames) frames.push_back({f, "server.cpp", static_cast<std::uint32_t>(10 + build), "server", a += 16, a});
    Site site;
    site.stack = b.add_stack(std::span<const FrameText>(frames));
    const std::uint64_t objects = s.objects != 0 ? s.objects : s.inuse / 64;
    site.estimated = {s.objects != 0 ? s.objects : s.alloc / 64, s.alloc, objects, s.inuse};
    site.sampled = site.estimated;
    b.add_site(site);
  }
  return std::move(b).finish();
}

const std::vector<std::string> kBodyOld = {"tcmalloc::allocate_full_cpp_throw_oom(unsigned long)", "operator new(unsigned long)",
                                           "std::vector<char, std::allocator<char> >::_M_realloc_insert<char const&>(char const&)",
                                           "make_body(int)", "handle_request(int)", "main"};
const std::vector<std::string> kBodyNew = {"operator new(unsigned long)", "std::__new_allocator<char>::allocate(unsigned long, void const*)",
                                           "std::vector<char, std::allocator<char> >::reserve(unsigned long)",
                                           "make_body(int)", "handle_request(int)", "main"};

/// The row of function `name`; an empty row (no name) when it did not change.
AllocFunctionDelta function_row(const AllocationDiff& d, std::string_view name) {
  for (const auto& f : d.functions)
    if (f.name == name) return f;
  return {};
}

TEST(AllocStacksDiff, StacksMatchByShownFramesAcrossBuildsAndAllocatorInternals) {
  const Profile before = profile_of({{kBodyOld, 4096 * 100, 4096 * 200}, {{"malloc", "log_line", "main"}, 640, 6400}}, 0);
  const Profile after = profile_of({{kBodyNew, 4096 * 900, 4096 * 1000}, {{"malloc", "log_line", "main"}, 640, 6400}}, 1);
  const AllocationDiff d = diff_allocation_stacks(before, after, FrameDetail::Folded);
  EXPECT_EQ(d.detail, FrameDetail::Folded);
  // One row for the body: folded frames and addresses do not split it; log_line did not change.
  ASSERT_EQ(d.stacks.size(), 1u);
  const std::vector<std::string> body = {"main", "handle_request(int)", "make_body(int)"};
  EXPECT_EQ(d.stacks[0].frames, body);
  EXPECT_EQ(d.stacks[0].before.inuse_bytes, 4096u * 100);
  EXPECT_EQ(d.stacks[0].after.inuse_bytes, 4096u * 900);
  EXPECT_EQ(d.stacks[0].delta_inuse_bytes(), 4096 * 800);
  EXPECT_EQ(d.stacks[0].path(), "main;handle_request(int);make_body(int)");
  for (const auto& s : d.stacks)
    for (const auto& f : s.frames) {
      EXPECT_EQ(f.find("std::"), std::string::npos) << f;
      EXPECT_EQ(f.find("operator new"), std::string::npos) << f;
    }

  // Every frame shown: the two builds' internals differ, so the body is gone and new.
  const AllocationDiff all = diff_allocation_stacks(before, after, FrameDetail::All);
  ASSERT_EQ(all.stacks.size(), 2u);
  EXPECT_EQ(all.stacks[0].delta_inuse_bytes(), 4096 * 900);  // the new stack, larger change first
  EXPECT_EQ(all.stacks[0].frames.back(), "operator new(unsigned long)");
  EXPECT_EQ(all.stacks[1].delta_inuse_bytes(), -4096 * 100);
  EXPECT_EQ(all.stacks[1].frames.back(), "tcmalloc::allocate_full_cpp_throw_oom(unsigned long)");
}

TEST(AllocStacksDiff, RanksByChangeInUseEitherWayAndCutsAtTop) {
  const Profile before = profile_of({{{"malloc", "grow", "main"}, 1000, 1000},
                                     {{"malloc", "shrink", "main"}, 90000, 90000},
                                     {{"malloc", "churn", "main"}, 500, 1000}});
  const Profile after = profile_of({{{"malloc", "grow", "main"}, 51000, 51000},
                                    {{"malloc", "shrink", "main"}, 10000, 90000},
                                    {{"malloc", "churn", "main"}, 500, 9000},
                                    {{"malloc", "fresh", "main"}, 64, 64}});
  const AllocationDiff d = diff_allocation_stacks(before, after, FrameDetail::Folded);
  ASSERT_EQ(d.stacks.size(), 4u);
  EXPECT_EQ(d.stacks[0].frames.back(), "shrink");  // -80,000
  EXPECT_EQ(d.stacks[1].frames.back(), "grow");    // +50,000
  EXPECT_EQ(d.stacks[2].frames.back(), "fresh");   // +64
  EXPECT_EQ(d.stacks[3].frames.back(), "churn");   // in use unchanged, allocated grew
  EXPECT_EQ(d.stacks[2].before, SampleCounts{});
  EXPECT_EQ(diff_allocation_stacks(before, after, FrameDetail::Folded, 2).stacks.size(), 2u);
  EXPECT_FALSE(d.objects_only);
  EXPECT_EQ(d.total_after.inuse_bytes, 51000u + 10000 + 500 + 64);
}

TEST(AllocStacksDiff, FunctionDeltasAreTheAnalyzersInclusiveAndSelf) {
  const Profile before = profile_of({{{"malloc", "parse", "serve", "main"}, 6400, 6400}, {{"serve", "main"}, 640, 640}});
  const Profile after = profile_of({{{"malloc", "parse", "serve", "main"}, 64000, 64000}, {{"serve", "main"}, 1280, 1280}});
  const AllocationStacks b(before), a(after);
  const AllocationDiff d = diff_allocation_stacks(b, a);
  const AllocFunctionDelta serve = function_row(d, "serve");
  ASSERT_EQ(serve.name, "serve");
  EXPECT_EQ(serve.total_before.inuse_bytes, 6400u + 640);
  EXPECT_EQ(serve.total_after.inuse_bytes, 64000u + 1280);
  EXPECT_EQ(serve.self_before.inuse_bytes, 640u);
  EXPECT_EQ(serve.self_after.inuse_bytes, 1280u);
  const AllocFunctionDelta parse = function_row(d, "parse");
  ASSERT_EQ(parse.name, "parse");
  EXPECT_EQ(parse.delta_inuse_bytes(), 64000 - 6400);
  EXPECT_TRUE(function_row(d, "malloc").name.empty());  // folded
  // Largest change first: main and serve (all of it), then parse.
  EXPECT_EQ(d.functions.back().name, "parse");
}

TEST(AllocStacksDiff, GoroutineCountsRankByObjects) {
  // Goroutine profiles: no bytes, one object per goroutine.
  const Profile before = profile_of({{{"runtime.gopark", "main.worker", "main.main"}, 0, 0, 4},
                                     {{"runtime.gopark", "main.idle", "main.main"}, 0, 0, 2}});
  const Profile after = profile_of({{{"runtime.gopark", "main.worker", "main.main"}, 0, 0, 400},
                                    {{"runtime.gopark", "main.idle", "main.main"}, 0, 0, 1}});
  const AllocationDiff d = diff_allocation_stacks(before, after, FrameDetail::Folded);
  EXPECT_TRUE(d.objects_only);
  ASSERT_EQ(d.stacks.size(), 2u);
  EXPECT_EQ(d.stacks[0].frames.back(), "main.worker");
  EXPECT_EQ(d.stacks[0].delta_inuse_objects(), 396);
  EXPECT_EQ(d.stacks[1].delta_inuse_objects(), -1);
}

TEST(AllocStacksDiff, ASearchDiffsOnlyTheStacksThroughMatchingFunctions) {
  const Profile before = profile_of({{kBodyOld, 4096, 4096}, {{"malloc", "log_line", "main"}, 640, 640}});
  const Profile after = profile_of({{kBodyNew, 8192, 8192}, {{"malloc", "log_line", "main"}, 1280, 1280}});
  const AllocationStacks b(before), a(after);
  const AllocationDiff d = diff_allocation_stacks(b.filtered("MAKE_BODY"), a.filtered("MAKE_BODY"));
  ASSERT_EQ(d.stacks.size(), 1u);
  EXPECT_EQ(d.stacks[0].frames.back(), "make_body(int)");
  EXPECT_EQ(d.total_after.inuse_bytes, 8192u);
  EXPECT_EQ(diff_allocation_stacks(b, a).stacks.size(), 2u);
}

}  // namespace
