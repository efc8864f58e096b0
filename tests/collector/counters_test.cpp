// Exact per-context counters for known allocation patterns.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "test_support.hpp"

namespace {

using ctxheap::collector::counters;

// Keeps results observable so the compiler cannot drop allocations.
using ctxheap_test::keep;

ctxheap::Context fresh(const char* name) {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), name);
  cancel();  // ended, but the handle keeps it alive; nothing else allocates for it
  return ctx;
}

// The context's own node is charged to it; measure relative to that.
ctxheap::collector::Counters baseline(const ctxheap::Context& ctx) {
  return counters(ctx.id()).value_or(ctxheap::collector::Counters{});
}

TEST(Counters, MallocsOfKnownSizeAreCountedExactly) {
  auto ctx = fresh("n-times-s");
  const auto before = baseline(ctx);
  std::vector<void*> blocks;
  blocks.reserve(1000);
  {
    ctxheap::CurrentScope scope(ctx);
    for (int i = 0; i < 1000; ++i) blocks.push_back(keep(std::malloc(48)));
  }
  auto c = counters(ctx.id()).value();
  EXPECT_EQ(c.alloc_objects - before.alloc_objects, 1000u);
  EXPECT_EQ(c.alloc_bytes - before.alloc_bytes, 48000u);
  EXPECT_EQ(c.free_objects, before.free_objects);
  for (void* p : blocks) std::free(p);
  c = counters(ctx.id()).value();
  EXPECT_EQ(c.free_objects - before.free_objects, 1000u);
  EXPECT_EQ(c.free_bytes - before.free_bytes, 48000u);
}

TEST(Counters, FreeOnAnotherThreadIsChargedToTheAllocatingContext) {
  auto ctx = fresh("cross-thread");
  const auto before = baseline(ctx);
  std::vector<void*> blocks;
  blocks.reserve(100);
  ctxheap::run_under(ctx, [&] {
    for (int i = 0; i < 100; ++i) blocks.push_back(keep(std::malloc(200)));
  });
  std::thread([&] { for (void* p : blocks) std::free(p); }).join();
  const auto c = counters(ctx.id()).value();
  EXPECT_EQ(c.free_objects - before.free_objects, 100u);
  EXPECT_EQ(c.free_bytes - before.free_bytes, 20000u);
  EXPECT_EQ(c.in_use_bytes(), before.in_use_bytes());
}

TEST(Counters, NestedScopesChargeTheInnermostContext) {
  auto outer = fresh("outer");
  auto inner = fresh("inner");
  const auto outer_before = baseline(outer);
  const auto inner_before = baseline(inner);
  void* a;
  void* b;
  void* c;
  {
    ctxheap::CurrentScope o(outer);
    a = keep(std::malloc(10));
    {
      ctxheap::CurrentScope i(inner);
      b = keep(std::malloc(20));
    }
    c = keep(std::malloc(30));
  }
  EXPECT_EQ(counters(outer.id())->alloc_bytes - outer_before.alloc_bytes, 40u);
  EXPECT_EQ(counters(inner.id())->alloc_bytes - inner_before.alloc_bytes, 20u);
  std::free(a);
  std::free(b);
  std::free(c);
}

TEST(Counters, ReallocCallocAndAlignedAllocationsBalance) {
  auto ctx = fresh("variants");
  const auto before = baseline(ctx);
  ctxheap::collector::Counters unaligned, all, mid;
  int memalign_status;
  {
    // No assertions inside the scope: a failing one would allocate under ctx.
    ctxheap::CurrentScope scope(ctx);
    void* r = std::malloc(16);
    r = keep(std::realloc(r, 100000));  // moves: a free of the old block, an allocation of the new
    void* z = keep(std::calloc(10, 33));
    auto* arr = keep(new int[77]);
    unaligned = counters(ctx.id()).value();
    void* m = nullptr;
    memalign_status = posix_memalign(&m, 256, 1000);
    keep(m);
    auto* aligned = keep(new (std::align_val_t{128}) char[300]);
    all = counters(ctx.id()).value();
    std::free(r);
    std::free(z);
    delete[] arr;
    std::free(m);
    ::operator delete[](aligned, std::align_val_t{128});
  }
  const auto after = counters(ctx.id()).value();
  ASSERT_EQ(memalign_status, 0);
  EXPECT_EQ(unaligned.alloc_objects - before.alloc_objects, 4u);
  EXPECT_EQ(unaligned.alloc_bytes - before.alloc_bytes, 16u + 100000u + 330u + 77u * sizeof(int));
  EXPECT_EQ(unaligned.free_objects - before.free_objects, 1u);
  EXPECT_EQ(unaligned.free_bytes - before.free_bytes, 16u);
  // tcmalloc reports aligned allocations at their rounded size; they must still balance.
  EXPECT_EQ(all.alloc_objects - unaligned.alloc_objects, 2u);
  EXPECT_GE(all.alloc_bytes - unaligned.alloc_bytes, 1300u);
  EXPECT_EQ(after.in_use_objects(), before.in_use_objects());
  EXPECT_EQ(after.in_use_bytes(), before.in_use_bytes());
}

TEST(Counters, ContextOwnNodeAndValuesAreChargedToTheContextItself) {
  static const ctxheap::ValueKey<std::vector<char>> kPayload{"payload"};
  auto ctx = ctxheap::with_value(ctxheap::background(), kPayload, 5000, 'x');
  const auto c = counters(ctx.id());
  ASSERT_TRUE(c.has_value());
  EXPECT_GE(c->in_use_bytes(), 5000u);  // the payload's buffer ...
  EXPECT_GE(c->in_use_objects(), 2u);   // ... and the node that holds it
}

TEST(Counters, RetainedAfterCancelStaysVisible) {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "retains");
  std::unique_ptr<char[]> escaped;
  ctxheap::run_under(ctx, [&] { escaped.reset(keep(new char[4096])); });
  cancel();
  const ctxheap::ContextId id = ctx.id();
  ctx = ctxheap::background();  // last handle gone: the node is freed, the escaped block is not
  auto c = counters(id);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->in_use_objects(), 1u);
  EXPECT_EQ(c->in_use_bytes(), 4096u);
  escaped.reset();
  c = counters(id);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->in_use_objects(), 0u);
  EXPECT_EQ(c->in_use_bytes(), 0u);
}

TEST(Counters, AllocationsWithoutAContextAreNotChargedToAny) {
  auto ctx = fresh("bystander");
  const auto before = baseline(ctx);
  const auto nc_before = ctxheap::collector::totals().no_context;
  void* p = keep(std::malloc(64));
  std::free(p);
  EXPECT_EQ(counters(ctx.id())->alloc_objects, before.alloc_objects);
  const auto nc = ctxheap::collector::totals().no_context;
  EXPECT_GT(nc.alloc_objects, nc_before.alloc_objects);
  EXPECT_GT(nc.free_objects, nc_before.free_objects);
}

}  // namespace

namespace {

TEST(Counters, StayExactWhileThreadsSwitchContextsAndFreeEachOthersBlocks) {
  std::vector<ctxheap::Context> ctxs;
  std::vector<ctxheap::collector::Counters> before;
  for (const char* n : {"a", "b", "c"}) {
    ctxs.push_back(fresh(n));
    before.push_back(baseline(ctxs.back()));
  }
  constexpr int kRounds = 3000;
  std::vector<void*> handoff[2];
  handoff[0].reserve(kRounds);
  handoff[1].reserve(kRounds);
  auto worker = [&](int me) {
    for (int i = 0; i < kRounds; ++i) {
      ctxheap::CurrentScope scope(ctxs[static_cast<std::size_t>((i + me) % 3)]);
      handoff[me].push_back(keep(std::malloc(24)));
      void* mine = keep(std::malloc(40));
      std::free(mine);
    }
  };
  std::thread t0(worker, 0), t1(worker, 1);
  t0.join();
  t1.join();
  // Each thread frees the other's blocks, under no context.
  std::thread f0([&] { for (void* p : handoff[1]) std::free(p); });
  std::thread f1([&] { for (void* p : handoff[0]) std::free(p); });
  f0.join();
  f1.join();
  for (std::size_t k = 0; k < 3; ++k) {
    const auto c = counters(ctxs[k].id()).value();
    EXPECT_EQ(c.alloc_objects - before[k].alloc_objects, 2u * 2u * kRounds / 3u) << "context " << k;
    EXPECT_EQ(c.alloc_bytes - before[k].alloc_bytes, 2u * 64u * kRounds / 3u) << "context " << k;
    EXPECT_EQ(c.in_use_objects(), before[k].in_use_objects()) << "context " << k;
  }
}

TEST(Counters, AThreadsCountsSurviveItsExit) {
  auto ctx = fresh("short-lived-thread");
  const auto before = baseline(ctx);
  void* kept = nullptr;
  std::thread([&] {
    ctxheap::CurrentScope scope(ctx);
    kept = keep(std::malloc(777));
  }).join();
  const auto c = counters(ctx.id()).value();
  EXPECT_EQ(c.alloc_objects - before.alloc_objects, 1u);
  EXPECT_EQ(c.alloc_bytes - before.alloc_bytes, 777u);
  std::free(kept);
}

TEST(Counters, ReusedSlotsStartFromZero) {
  // Thousands of short contexts retire their slots; later contexts reuse them and must
  // not inherit anything.
  for (int i = 0; i < 5000; ++i) {
    auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "short");
    ctxheap::run_under(ctx, [] { std::free(keep(std::malloc(100))); });
    cancel();
  }
  (void)counters(ctxheap::background().id());  // counters() folds retired slots first
  auto [fresh_ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "after");
  const auto base = counters(fresh_ctx.id()).value();
  void* p = nullptr;
  ctxheap::run_under(fresh_ctx, [&] { p = keep(std::malloc(333)); });
  const auto c = counters(fresh_ctx.id()).value();
  EXPECT_EQ(c.alloc_objects - base.alloc_objects, 1u);
  EXPECT_EQ(c.alloc_bytes - base.alloc_bytes, 333u);
  EXPECT_EQ(base.alloc_objects, 1u);  // only its own node
  std::free(p);
  cancel();
}

}  // namespace
