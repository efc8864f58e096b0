// Every allocator entry point the collector defines (or, with CTXHEAP_DISPATCH=hooks, that
// tcmalloc's hooks report) is charged exactly, and sampled stacks start at the user's call.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "ctxheap/format/reader.hpp"
#include "test_support.hpp"

namespace {

namespace fmt = ctxheap::format;
using ctxheap::collector::counters;
using ctxheap::collector::Counters;
using ctxheap_test::keep;

bool hooks_requested() {
  const char* d = std::getenv("CTXHEAP_DISPATCH");
  return d != nullptr && std::string_view(d) == "hooks";
}

ctxheap::Context fresh(const char* name) {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), name);
  cancel();
  return ctx;
}

Counters delta(const Counters& after, const Counters& before) {
  return {after.alloc_objects - before.alloc_objects, after.alloc_bytes - before.alloc_bytes,
          after.free_objects - before.free_objects, after.free_bytes - before.free_bytes};
}

// Runs alloc under a fresh context, then free outside it; returns what the context was charged.
template <class Alloc, class Free>
std::pair<Counters, Counters> charged(Alloc alloc, Free release) {
  auto ctx = fresh("entry");
  const Counters before = counters(ctx.id()).value_or(Counters{});
  void* p;
  {
    ctxheap::CurrentScope scope(ctx);
    p = keep(alloc());
  }
  const Counters allocated = delta(counters(ctx.id()).value(), before);
  release(p);
  return {allocated, delta(counters(ctx.id()).value(), before)};
}

TEST(EntryPoints, TheCollectorOwnsMallocUnlessHooksAreAsked) {
  EXPECT_EQ(ctxheap::collector::dispatch(), hooks_requested() ? "hooks" : "interposed");
}

struct Case {
  const char* name;
  std::size_t bytes;  // what the context is charged (the request; pvalloc: whole pages)
  void* (*alloc)();
  void (*release)(void*);
};

const std::size_t kPage = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));

const Case kCases[] = {
    {"malloc", 100, [] { return std::malloc(100); }, [](void* p) { std::free(p); }},
    {"calloc", 7 * 13, [] { return std::calloc(7, 13); }, [](void* p) { std::free(p); }},
    {"realloc(nullptr)", 300, [] { return std::realloc(nullptr, 300); }, [](void* p) { std::free(p); }},
    {"reallocarray(nullptr)", 5 * 40, [] { return reallocarray(nullptr, 5, 40); }, [](void* p) { std::free(p); }},
    {"memalign", 1000, [] { return memalign(256, 1000); }, [](void* p) { std::free(p); }},
    {"aligned_alloc", 1024, [] { return std::aligned_alloc(512, 1024); }, [](void* p) { std::free(p); }},
    {"posix_memalign", 999,
     [] {
       void* p = nullptr;
       return posix_memalign(&p, 64, 999) == 0 ? p : nullptr;
     },
     [](void* p) { std::free(p); }},
    {"valloc", 5000, [] { return valloc(5000); }, [](void* p) { std::free(p); }},
    {"pvalloc", kPage, [] { return pvalloc(10); }, [](void* p) { std::free(p); }},
    {"new", 40, [] { return ::operator new(40); }, [](void* p) { ::operator delete(p); }},
    {"new[]", 41, [] { return ::operator new[](41); }, [](void* p) { ::operator delete[](p); }},
    {"new sized delete", 42, [] { return ::operator new(42); }, [](void* p) { ::operator delete(p, 42); }},
    {"new[] sized delete[]", 43, [] { return ::operator new[](43); }, [](void* p) { ::operator delete[](p, 43); }},
    {"new nothrow", 44, [] { return ::operator new(44, std::nothrow); },
     [](void* p) { ::operator delete(p, std::nothrow); }},
    {"new[] nothrow", 45, [] { return ::operator new[](45, std::nothrow); },
     [](void* p) { ::operator delete[](p, std::nothrow); }},
    {"new aligned", 46, [] { return ::operator new(46, std::align_val_t{64}); },
     [](void* p) { ::operator delete(p, std::align_val_t{64}); }},
    {"new[] aligned", 47, [] { return ::operator new[](47, std::align_val_t{128}); },
     [](void* p) { ::operator delete[](p, std::align_val_t{128}); }},
    {"new aligned sized delete", 48, [] { return ::operator new(48, std::align_val_t{64}); },
     [](void* p) { ::operator delete(p, 48, std::align_val_t{64}); }},
    {"new[] aligned sized delete[]", 49, [] { return ::operator new[](49, std::align_val_t{64}); },
     [](void* p) { ::operator delete[](p, 49, std::align_val_t{64}); }},
    {"new aligned nothrow", 50, [] { return ::operator new(50, std::align_val_t{256}, std::nothrow); },
     [](void* p) { ::operator delete(p, std::align_val_t{256}, std::nothrow); }},
    {"new[] aligned nothrow", 51, [] { return ::operator new[](51, std::align_val_t{256}, std::nothrow); },
     [](void* p) { ::operator delete[](p, std::align_val_t{256}, std::nothrow); }},
};

TEST(EntryPoints, EveryEntryPointIsChargedOnceAndBalances) {
  // Bytes are exact in the collector's own entry points; tcmalloc's hooks report aligned
  // allocations at their rounded size, so under hooks only objects are exact there.
  const bool exact_bytes = ctxheap::collector::dispatch() == "interposed";
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const auto [allocated, after] = charged(c.alloc, c.release);
    EXPECT_EQ(allocated.alloc_objects, 1u);
    EXPECT_EQ(allocated.free_objects, 0u);
    if (exact_bytes) EXPECT_EQ(allocated.alloc_bytes, c.bytes);
    else EXPECT_GE(allocated.alloc_bytes, c.bytes);
    EXPECT_EQ(after.free_objects, 1u);
    EXPECT_EQ(after.free_bytes, allocated.alloc_bytes);
  }
}

TEST(EntryPoints, AlignedEntryPointsReturnAlignedBlocks) {
  void* m = keep(memalign(4096, 10));
  void* a = keep(std::aligned_alloc(1024, 2048));
  void* v = keep(valloc(1));
  void* n = keep(::operator new(8, std::align_val_t{512}));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(m) % 4096, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % 1024, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v) % kPage, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(n) % 512, 0u);
  std::free(m);
  std::free(a);
  std::free(v);
  ::operator delete(n, std::align_val_t{512});
}

TEST(EntryPoints, UsableSizeCoversTheRequest) {
  void* p = keep(std::malloc(100));
  EXPECT_GE(malloc_usable_size(p), 100u);
  EXPECT_EQ(malloc_usable_size(nullptr), 0u);
  std::free(p);
}

TEST(EntryPoints, ReallocChargesTheOldSizeFreedAndTheNewSizeAllocated) {
  auto ctx = fresh("realloc");
  const Counters before = counters(ctx.id()).value_or(Counters{});
  void* p;
  {
    ctxheap::CurrentScope scope(ctx);
    p = keep(std::malloc(64));
    p = keep(std::realloc(p, 60));         // tcmalloc keeps it in place
    p = keep(std::realloc(p, 200000));     // moves
    p = keep(reallocarray(p, 1000, 100));  // moves back down
  }
  const Counters d = delta(counters(ctx.id()).value(), before);
  // An in-place resize counts as a free and an allocation, in both dispatches (gperftools
  // 2.10's realloc reports it to its hooks too).
  EXPECT_EQ(d.alloc_objects, 4u);
  EXPECT_EQ(d.alloc_bytes, 64u + 60u + 200000u + 100000u);
  EXPECT_EQ(d.in_use_bytes(), 100000u);
  std::free(p);
  EXPECT_EQ(delta(counters(ctx.id()).value(), before).in_use_bytes(), 0u);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuse-after-free"  // a failed realloc leaves the block live
TEST(EntryPoints, ReallocThatFailsLeavesTheBlockCharged) {
  volatile std::size_t huge = SIZE_MAX / 2;
  auto ctx = fresh("realloc-fails");
  const Counters before = counters(ctx.id()).value_or(Counters{});
  void* p;
  void* q;
  {
    ctxheap::CurrentScope scope(ctx);
    p = keep(std::malloc(64));
    q = keep(reallocarray(p, huge, 4));  // overflows: fails, p untouched
  }
  EXPECT_EQ(q, nullptr);
  EXPECT_EQ(delta(counters(ctx.id()).value(), before).in_use_bytes(), 64u);
  {
    ctxheap::CurrentScope scope(ctx);
    q = keep(std::realloc(p, huge));  // more than tcmalloc can give: fails, p untouched
  }
  EXPECT_EQ(q, nullptr);
  EXPECT_EQ(delta(counters(ctx.id()).value(), before).in_use_bytes(), 64u);
  std::free(p);
  EXPECT_EQ(delta(counters(ctx.id()).value(), before).in_use_bytes(), 0u);
}
#pragma GCC diagnostic pop

[[gnu::noinline]] void* user_allocation_site(std::size_t n) { return keep(std::malloc(n)); }
[[gnu::noinline]] void* user_new_site(std::size_t n) { return keep(::operator new(n)); }

// CTXHEAP_SAMPLE=1 (set by the test runner): every allocation is sampled, and its stack must
// begin in the user's function, not in the collector or tcmalloc.
TEST(EntryPoints, SampledStacksBeginAtTheUsersCall) {
  const auto dir = ctxheap_test::temp_dir("entry-stacks");
  auto ctx = fresh("stacks");
  void* a;
  void* b;
  {
    ctxheap::CurrentScope scope(ctx);
    a = user_allocation_site(777);
    b = user_new_site(555);
  }
  const auto path = dir / "stacks.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  std::vector<std::string> tops;
  for (const auto& site : snap.sites) {
    if (site.context_id != ctx.id() || site.stack_id == 0) continue;
    const auto& frames = snap.stacks.at(site.stack_id - 1).frames;
    bool ours = false;  // the context's own node is charged to it too, from with_cancel
    for (const auto& f : frames) ours = ours || snap.strings.at(f.function).find("user_") != std::string::npos;
    if (ours) tops.push_back(snap.strings.at(frames.front().function));
  }
  std::free(a);
  ::operator delete(b);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(tops.size(), 2u);
  for (const std::string& top : tops)
    EXPECT_TRUE(top.find("user_allocation_site") != std::string::npos || top.find("user_new_site") != std::string::npos)
        << top;
}

}  // namespace
