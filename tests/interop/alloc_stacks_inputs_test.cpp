// Allocation-stack views (alloc_stacks.hpp) on the inputs users open: real gperftools
// dumps of gperf_workload (a program under gperftools' heap profiler) and Go heap
// profiles from tests/data/go. Totals must add up to the input's, across every view.
#include <gtest/gtest.h>

#include <string>

#include "../analyzer/alloc_stacks_checks.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using alloc_stacks_test::expect_consistent;
using interop_test::TempDir;

bool have_workload() { return std::string(CTXHEAP_GPERF_WORKLOAD).size() > 0; }

TEST(AllocStacksInputs, GperftoolsDumpShowsWhereItsHeapWasAllocated) {
  if (!have_workload()) GTEST_SKIP() << "tcmalloc workload is not built under sanitizers";
  TempDir dir;
  ASSERT_EQ(interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GPERF_WORKLOAD) + " series app").exit_code, 0);
  const auto files = interop_test::dumps(dir, "app");
  ASSERT_FALSE(files.empty());
  const Profile p = load_profile(files.back());
  ASSERT_TRUE(p.contexts.empty());
  const AllocationStacks a(p);
  EXPECT_FALSE(a.estimated());  // gperftools records every allocation
  expect_consistent(p, a);
  expect_consistent(p, AllocationStacks(p, FrameDetail::All));
  // grow_cache keeps 1200 pages of 4 KiB: the bottom-up view names it as an allocating
  // function with exactly that, and caller/callee agrees.
  const auto leaves = a.children(AllocView::BottomUp, a.root(AllocView::BottomUp).ref, AllocMeasure::InUse);
  std::uint64_t cache = 0;
  for (const AllocNode& n : leaves)
    if (a.function_name(n.function).find("grow_cache") != std::string_view::npos) cache += n.total.inuse_bytes;
  EXPECT_EQ(cache, 1200u * 4096u);
  const auto grow = a.find("grow_cache");
  ASSERT_FALSE(grow.empty());
  EXPECT_EQ(a.caller_callee(grow[0], AllocMeasure::InUse).function.self.inuse_bytes, 1200u * 4096u);
  EXPECT_EQ(a.filtered("grow_cache").total().inuse_bytes, 1200u * 4096u);
}

TEST(AllocStacksInputs, StacksDifferingOnlyInCallSitesMergeByFunction) {
  if (!have_workload()) GTEST_SKIP() << "tcmalloc workload is not built under sanitizers";
  // 256 distinct stacks: each level of branch<N> calls the next from one of two call
  // sites. By function they are one path, as heaptrack and pprof show them.
  TempDir dir;
  ASSERT_EQ(interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GPERF_WORKLOAD) + " wide w 8").exit_code, 0);
  const auto files = interop_test::dumps(dir, "w");
  ASSERT_FALSE(files.empty());
  const Profile p = load_profile(files.back());
  ASSERT_GE(p.stacks.size(), 256u);
  for (const FrameDetail detail : {FrameDetail::Folded, FrameDetail::All}) {
    const AllocationStacks a(p, detail);
    EXPECT_EQ(a.stack_count(), 1u);
    expect_consistent(p, a);
    const auto leaves = a.children(AllocView::BottomUp, a.root(AllocView::BottomUp).ref, AllocMeasure::InUse);
    ASSERT_EQ(leaves.size(), 1u);
    EXPECT_EQ(leaves[0].total.inuse_objects, 256u);
  }
}

TEST(AllocStacksInputs, GoHeapProfileFiguresAreEstimatesThatAddUp) {
  for (const char* fixture : {"go/fixtures/leak/heap.pb.gz", "go/mapleak.heap.pb.gz"}) {
    SCOPED_TRACE(fixture);
    const Profile p = load_profile(interop_test::data(fixture));
    const AllocationStacks a(p);
    // Go samples every 512 KiB on average unless MemProfileRate says otherwise (the
    // fixtures record every allocation).
    EXPECT_EQ(a.estimated(), p.meta.sampling_interval_bytes > 1);
    if (std::string_view(fixture).starts_with("go/mapleak")) {
      EXPECT_TRUE(a.estimated());
    }
    expect_consistent(p, a);
    const AllocNode root = a.root(AllocView::TopDown);
    const Estimate e = a.estimate(root, AllocMeasure::Allocated);
    EXPECT_LE(e.low, e.value);
    EXPECT_GE(e.high, e.value);
    // The top-down tree starts at Go's entry points, not at the allocator.
    const auto top = a.children(AllocView::TopDown, root.ref, AllocMeasure::InUse);
    ASSERT_FALSE(top.empty());
    EXPECT_EQ(a.function_name(top[0].function).find("runtime.mallocgc"), std::string_view::npos);
  }
}

}  // namespace
