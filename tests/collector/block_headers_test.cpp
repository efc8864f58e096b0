// Exact mode's block headers (collector/tagging/src/block_headers.hpp): the cases where a
// block is not given a header, and blocks the collector never tagged, keep every entry
// point's meaning. Runs where headers are in use (interposed exact mode with the default
// CTXHEAP_EXACT_OWNER); skips itself elsewhere.
#include <gperftools/tcmalloc.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string_view>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "test_support.hpp"

namespace {

using ctxheap::collector::counters;
using ctxheap::collector::Counters;
using ctxheap_test::keep;

bool env_is(const char* name, std::string_view value) {
  const char* v = std::getenv(name);
  return v != nullptr && std::string_view(v) == value;
}

bool headers_in_use() {
  return ctxheap::collector::dispatch() == "interposed" && !env_is("CTXHEAP_MODE", "sampled") &&
         !env_is("CTXHEAP_EXACT_OWNER", "table");
}

#define SKIP_UNLESS_HEADERS() \
  if (!headers_in_use()) GTEST_SKIP() << "block headers are used by interposed exact mode only"

ctxheap::Context fresh(const char* name) {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), name);
  cancel();
  return ctx;
}

Counters now(const ctxheap::Context& ctx) { return counters(ctx.id()).value_or(Counters{}); }

// A 32-byte request is a 48-byte tcmalloc block with its header. tcmalloc lays 48-byte
// blocks out from 8 KiB-aligned spans, so one block in each span of 170 sits 16 bytes
// before a 4 KiB page boundary: its header would put the program's address at the page
// start, so that block is handed out from its own start, without a header (its usable
// size is then the whole 48 bytes).
TEST(BlockHeaders, BlocksThatWouldStartAPageAreHandedOutWithoutAHeaderAndStillBalance) {
  SKIP_UNLESS_HEADERS();
  auto ctx = fresh("page-start");
  const Counters before = now(ctx);
  std::vector<unsigned char*> blocks;
  blocks.reserve(4000);  // the vector's own growth is not the test's
  {
    ctxheap::CurrentScope scope(ctx);
    for (int i = 0; i < 4000; ++i) blocks.push_back(static_cast<unsigned char*>(keep(std::malloc(32))));
  }
  int without_header = 0;
  for (unsigned char* p : blocks) {
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
    const std::size_t usable = malloc_usable_size(p);
    ASSERT_GE(usable, 32u);
    if (usable == 48) ++without_header;
    std::memset(p, 0xab, usable);  // the whole usable size is the program's
  }
  EXPECT_GT(without_header, 0) << "no 48-byte block at a page's last 16 bytes in 4000";
  const Counters allocated = now(ctx);
  EXPECT_EQ(allocated.alloc_objects - before.alloc_objects, 4000u);
  EXPECT_EQ(allocated.alloc_bytes - before.alloc_bytes, 4000u * 32);
  for (unsigned char* p : blocks) std::free(p);
  const Counters freed = now(ctx);
  EXPECT_EQ(freed.free_objects - before.free_objects, 4000u);
  EXPECT_EQ(freed.free_bytes - before.free_bytes, 4000u * 32);

  // The same through operator new and sized delete, whose size names the request (32), not
  // the 48-byte block a header-less block at a page's end still is.
  std::vector<void*> objects;
  objects.reserve(4000);
  {
    ctxheap::CurrentScope scope(ctx);
    for (int i = 0; i < 4000; ++i) objects.push_back(keep(::operator new(32)));
  }
  for (void* p : objects) std::memset(p, 0xcd, 32);
  for (void* p : objects) ::operator delete(p, std::size_t{32});
  const Counters deleted = now(ctx);
  EXPECT_EQ(deleted.alloc_objects - before.alloc_objects, 8000u);
  EXPECT_EQ(deleted.free_objects - before.free_objects, 8000u);
  EXPECT_EQ(deleted.free_bytes - before.free_bytes, 8000u * 32);
}

// A header must never make the program's address the start of another tcmalloc block: a
// zero-byte request still gets a block with room past its header, so malloc(0) never
// returns the address of a neighbouring block (here over-aligned ones, which have no
// header and come from the same 16-byte size class).
TEST(BlockHeaders, ZeroByteBlocksNeverShareAnAddressWithAnotherBlock) {
  SKIP_UNLESS_HEADERS();
  auto ctx = fresh("zero-bytes");
  const Counters before = now(ctx);
  std::vector<void*> zero, aligned;
  zero.reserve(2000);
  aligned.reserve(2000);
  {
    ctxheap::CurrentScope scope(ctx);
    for (int i = 0; i < 2000; ++i) {
      zero.push_back(keep(std::malloc(0)));
      aligned.push_back(keep(aligned_alloc(16, 16)));
    }
  }
  std::set<void*> seen;
  for (void* p : zero) EXPECT_TRUE(seen.insert(p).second) << p;
  for (void* p : aligned) EXPECT_TRUE(seen.insert(p).second) << p << " is also a malloc(0) block";
  for (void* p : aligned) std::free(p);
  for (void* p : zero) std::free(p);
  const Counters after = now(ctx);
  EXPECT_EQ(after.alloc_objects - before.alloc_objects, 4000u);
  EXPECT_EQ(after.free_objects - before.free_objects, 4000u);
  EXPECT_EQ(after.free_bytes - before.free_bytes, after.alloc_bytes - before.alloc_bytes);
}

// Blocks tcmalloc handed out without the collector (as before it was installed) carry no
// header: their free, realloc and usable size are tcmalloc's, and no context is charged.
TEST(BlockHeaders, BlocksTheCollectorNeverTaggedKeepTheirMeaning) {
  SKIP_UNLESS_HEADERS();
  auto ctx = fresh("untagged");
  const Counters before = now(ctx);
  const auto totals_before = ctxheap::collector::totals();
  std::vector<void*> blocks;
  for (int i = 0; i < 1000; ++i) blocks.push_back(keep(tc_malloc(16 + static_cast<std::size_t>(i % 64) * 16)));
  for (void* p : blocks) EXPECT_EQ(malloc_usable_size(p), tc_malloc_size(p));
  {
    ctxheap::CurrentScope scope(ctx);
    for (std::size_t i = 0; i < blocks.size(); i += 2) {
      std::memset(blocks[i], static_cast<int>(i & 0x7f), 16);
      blocks[i] = keep(std::realloc(blocks[i], 100));
      const auto* bytes = static_cast<const unsigned char*>(blocks[i]);
      for (int k = 0; k < 16; ++k) ASSERT_EQ(bytes[k], i & 0x7f);
    }
    for (void* p : blocks) std::free(p);
  }
  const Counters after = now(ctx);
  // The 500 reallocs made tagged blocks of 100 bytes, freed again; nothing else is the context's.
  EXPECT_EQ(after.alloc_objects - before.alloc_objects, 500u);
  EXPECT_EQ(after.alloc_bytes - before.alloc_bytes, 500u * 100);
  EXPECT_EQ(after.free_objects - before.free_objects, 500u);
  // The untagged blocks' frees are counted as frees with no context.
  const auto totals_after = ctxheap::collector::totals();
  EXPECT_GE(totals_after.no_context.free_objects - totals_before.no_context.free_objects, 1000u);
}

// realloc keeps the program's bytes whichever way the block goes: growing, shrinking, into
// and out of blocks that start a page (handed out without a header).
TEST(BlockHeaders, ReallocKeepsTheBytesThroughEveryKindOfBlock) {
  SKIP_UNLESS_HEADERS();
  auto ctx = fresh("realloc");
  const Counters before = now(ctx);
  std::vector<unsigned char*> blocks;
  blocks.reserve(3000);
  {
    ctxheap::CurrentScope scope(ctx);
    for (int i = 0; i < 3000; ++i) {
      auto* p = static_cast<unsigned char*>(std::malloc(8));
      std::memset(p, i & 0xff, 8);
      blocks.push_back(p);
    }
    for (int round = 0; round < 3; ++round) {
      const std::size_t size = round == 1 ? 4000 : 32;  // grow past the class, then back
      for (std::size_t i = 0; i < blocks.size(); ++i) {
        blocks[i] = static_cast<unsigned char*>(keep(std::realloc(blocks[i], size)));
        ASSERT_NE(blocks[i], nullptr);
        for (int k = 0; k < 8; ++k) ASSERT_EQ(blocks[i][k], i & 0xff) << "block " << i << " round " << round;
      }
    }
    for (unsigned char* p : blocks) std::free(p);
  }
  const Counters after = now(ctx);
  EXPECT_EQ(after.alloc_objects - before.alloc_objects, after.free_objects - before.free_objects);
  EXPECT_EQ(after.alloc_bytes - before.alloc_bytes, after.free_bytes - before.free_bytes);
  EXPECT_EQ(after.alloc_bytes - before.alloc_bytes, 3000u * (8 + 32 + 4000 + 32));
}

}  // namespace
