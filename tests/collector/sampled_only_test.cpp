// Sampled-only mode (CTXHEAP_MODE=sampled; the test runner also sets CTXHEAP_SAMPLE=1, so
// every allocation is a sample): every entry point keeps its semantics for sampled blocks
// (alignment, zeroing, malloc_usable_size, realloc), and every free of a sampled block,
// whatever the entry point or thread, reaches the block's site. Skipped in exact mode.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "ctxheap/format/reader.hpp"
#include "test_support.hpp"

namespace {

namespace fmt = ctxheap::format;
using ctxheap_test::keep;

bool sampled_only() {
  const char* m = std::getenv("CTXHEAP_MODE");
  return m != nullptr && std::string_view(m) == "sampled";
}

struct SampledCounts {
  std::uint64_t alloc_objects = 0, inuse_objects = 0, inuse_bytes = 0;
};

// What the snapshot's sampled sites hold for one context.
SampledCounts sampled_for(const ctxheap::Context& ctx) {
  const auto dir = ctxheap_test::temp_dir("sampled-only");
  const auto path = dir / "s.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  std::filesystem::remove_all(dir);
  SampledCounts c;
  for (const auto& site : snap.sites) {
    if (site.context_id != ctx.id()) continue;
    c.alloc_objects += site.sampled_alloc_objects;
    c.inuse_objects += site.sampled_inuse_objects;
    c.inuse_bytes += site.sampled_inuse_bytes;
  }
  return c;
}

struct Way {
  const char* name;
  std::size_t alignment;  // what the caller may rely on
  bool zeroed;
  std::function<void*(std::size_t)> alloc;
  std::function<void(void*, std::size_t)> release;
};

std::vector<Way> ways() {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return {
      {"malloc", 16, false, [](std::size_t n) { return std::malloc(n); }, [](void* p, std::size_t) { std::free(p); }},
      {"calloc", 16, true, [](std::size_t n) { return std::calloc(n, 1); }, [](void* p, std::size_t) { std::free(p); }},
      {"memalign 16", 16, false, [](std::size_t n) { return memalign(16, n); }, [](void* p, std::size_t) { std::free(p); }},
      {"memalign 64", 64, false, [](std::size_t n) { return memalign(64, n); }, [](void* p, std::size_t) { std::free(p); }},
      {"aligned_alloc 4096", 4096, false, [](std::size_t n) { return std::aligned_alloc(4096, (n + 4095) / 4096 * 4096); },
       [](void* p, std::size_t) { std::free(p); }},
      {"posix_memalign 256", 256, false,
       [](std::size_t n) {
         void* p = nullptr;
         return posix_memalign(&p, 256, n) == 0 ? p : nullptr;
       },
       [](void* p, std::size_t) { std::free(p); }},
      {"valloc", page, false, [](std::size_t n) { return valloc(n); }, [](void* p, std::size_t) { std::free(p); }},
      {"pvalloc", page, false, [](std::size_t n) { return pvalloc(n); }, [](void* p, std::size_t) { std::free(p); }},
      {"new", 16, false, [](std::size_t n) { return ::operator new(n); }, [](void* p, std::size_t) { ::operator delete(p); }},
      {"new sized delete", 16, false, [](std::size_t n) { return ::operator new(n); },
       [](void* p, std::size_t n) { ::operator delete(p, n); }},
      {"new[]", 16, false, [](std::size_t n) { return ::operator new[](n); }, [](void* p, std::size_t) { ::operator delete[](p); }},
      {"new nothrow", 16, false, [](std::size_t n) { return ::operator new(n, std::nothrow); },
       [](void* p, std::size_t) { ::operator delete(p, std::nothrow); }},
      {"new aligned 128", 128, false, [](std::size_t n) { return ::operator new(n, std::align_val_t{128}); },
       [](void* p, std::size_t n) { ::operator delete(p, n, std::align_val_t{128}); }},
  };
}

TEST(SampledOnly, EveryEntryPointKeepsAlignmentZeroingAndUsableSize) {
  if (!sampled_only()) GTEST_SKIP() << "CTXHEAP_MODE=sampled only";
  for (const Way& w : ways()) {
    SCOPED_TRACE(w.name);
    auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), w.name);
    const SampledCounts base = sampled_for(ctx);  // the context's own node is charged to it
    std::vector<std::pair<void*, std::size_t>> blocks;
    blocks.reserve(64);
    {
      ctxheap::CurrentScope scope(ctx);
      for (std::size_t n : {1u, 16u, 100u, 1000u, 5000u, 70000u}) blocks.emplace_back(keep(w.alloc(n)), n);
    }
    for (auto [p, n] : blocks) {
      ASSERT_NE(p, nullptr);
      // malloc's own alignment is 16 for blocks that can hold a 16-byte object (tcmalloc
      // gives smaller ones 8).
      const std::size_t required = w.alignment == 16 && n < 16 ? 8 : w.alignment;
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % required, 0u) << n;
      EXPECT_GE(malloc_usable_size(p), n);
      if (w.zeroed) {
        const auto* bytes = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(bytes[i], 0) << "byte " << i << " of " << n;
      }
      std::memset(p, 0xab, malloc_usable_size(p));  // the whole usable size is the caller's
    }
    const SampledCounts live = sampled_for(ctx);
    EXPECT_EQ(live.alloc_objects - base.alloc_objects, blocks.size());
    EXPECT_EQ(live.inuse_objects - base.inuse_objects, blocks.size());
    for (auto [p, n] : blocks) w.release(p, n);
    EXPECT_EQ(sampled_for(ctx).inuse_objects, base.inuse_objects);  // every free reached its site
    cancel();
  }
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuse-after-free"  // a failed realloc leaves the block live
TEST(SampledOnly, ReallocKeepsTheBytesAndMovesTheSample) {
  if (!sampled_only()) GTEST_SKIP() << "CTXHEAP_MODE=sampled only";
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "realloc");
  const SampledCounts base = sampled_for(ctx);  // the context's own node is charged to it
  char* p;
  {
    ctxheap::CurrentScope scope(ctx);
    p = static_cast<char*>(keep(std::malloc(100)));
    for (int i = 0; i < 100; ++i) p[i] = static_cast<char>(i);
    p = static_cast<char*>(keep(std::realloc(p, 5000)));  // grows
    ASSERT_NE(p, nullptr);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(p[i], static_cast<char>(i));
    p = static_cast<char*>(keep(std::realloc(p, 10)));  // shrinks
    ASSERT_NE(p, nullptr);
    for (int i = 0; i < 10; ++i) ASSERT_EQ(p[i], static_cast<char>(i));
    EXPECT_GE(malloc_usable_size(p), 10u);
  }
  SampledCounts c = sampled_for(ctx);
  EXPECT_EQ(c.alloc_objects - base.alloc_objects, 3u);  // each realloc is the allocation of a new block
  EXPECT_EQ(c.inuse_objects - base.inuse_objects, 1u);
  EXPECT_EQ(c.inuse_bytes - base.inuse_bytes, 10u);
  {
    ctxheap::CurrentScope scope(ctx);
    void* huge = keep(std::realloc(p, std::size_t{1} << 62));  // fails: p is untouched, still a sample
    EXPECT_EQ(huge, nullptr);
  }
  EXPECT_EQ(sampled_for(ctx).inuse_bytes - base.inuse_bytes, 10u);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p[i], static_cast<char>(i));
  std::free(p);
  EXPECT_EQ(sampled_for(ctx).inuse_objects, base.inuse_objects);
  cancel();
}
#pragma GCC diagnostic pop

TEST(SampledOnly, BlocksFreedOnAnotherThreadReachTheirSite) {
  if (!sampled_only()) GTEST_SKIP() << "CTXHEAP_MODE=sampled only";
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "cross-thread");
  const SampledCounts base = sampled_for(ctx);  // the context's own node is charged to it
  std::vector<void*> blocks(2000);
  std::thread maker([&] {
    ctxheap::CurrentScope scope(ctx);
    for (std::size_t i = 0; i < blocks.size(); ++i) blocks[i] = keep(i % 2 ? std::malloc(24 + i % 300) : ::operator new(40));
  });
  maker.join();
  EXPECT_EQ(sampled_for(ctx).inuse_objects - base.inuse_objects, blocks.size());
  std::thread freer([&] {
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (i % 2) std::free(blocks[i]);
      else ::operator delete(blocks[i]);
    }
  });
  freer.join();
  EXPECT_EQ(sampled_for(ctx).inuse_objects, base.inuse_objects);
  cancel();
}

// Ordinary blocks share the address test of sampled ones (one in 64 sits at the same offset
// from a 1 KiB boundary): with sampling off they must be freed and sized as tcmalloc's own.
TEST(SampledOnly, UnsampledBlocksAtTheSampledOffsetStayOrdinary) {
  if (!sampled_only()) GTEST_SKIP() << "CTXHEAP_MODE=sampled only";
  auto options = ctxheap::collector::options_from_environment();
  options.sample_interval = 0;
  ctxheap::collector::configure(options);
  std::vector<void*> blocks;
  blocks.reserve(20000);
  std::size_t at_offset = 0;
  for (int i = 0; i < 20000; ++i) {
    void* p = keep(std::malloc(16));
    std::memset(p, 0xff, 16);  // whatever the block before a candidate holds
    if (reinterpret_cast<std::uintptr_t>(p) % 1024 == 16) ++at_offset;
    blocks.push_back(p);
  }
  EXPECT_GT(at_offset, 0u);
  for (void* p : blocks) EXPECT_GE(malloc_usable_size(p), 16u);
  for (void* p : blocks) std::free(p);
  void* again = keep(std::malloc(16));  // the allocator is intact
  std::free(again);
  options.sample_interval = 1;
  ctxheap::collector::configure(options);
}

}  // namespace
