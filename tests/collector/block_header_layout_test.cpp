// The block header's encoding and the address rules a free relies on to tell a headed
// block from one without a header (collector/tagging/src/block_headers.hpp). Plain code,
// tested in every build, sanitizers included (where the collector's entry points, which
// use these headers, are not linked).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "block_headers.hpp"

namespace {

namespace h = ctxheap::collector::headers;

TEST(BlockHeaderLayout, OwnerComesBackAsItWasWritten) {
  const std::uint32_t slots[] = {0, 1, 4242, (1u << 20) - 1};
  const std::uint64_t sizes[] = {0, 1, 16, 4096, (std::uint64_t{1} << 31) + 5, h::kMaxSize};
  for (std::uint32_t slot : slots)
    for (std::uint64_t size : sizes)
      for (bool sampled : {false, true}) {
        const std::uint64_t owner = h::encode(slot, size, sampled);
        EXPECT_EQ(h::slot_of(owner), slot);
        EXPECT_EQ(h::size_of(owner), size);
        EXPECT_EQ(h::sampled_of(owner), sampled);
        // The free fast path compares owner >> 40 with the thread's slot: equal only
        // for an unsampled block of that slot.
        EXPECT_EQ((owner >> h::kSlotShift) == slot, !sampled);
      }
}

TEST(BlockHeaderLayout, SizesBeyondTheHeaderGoElsewhere) {
  EXPECT_TRUE(h::fits(h::kMaxSize));
  EXPECT_FALSE(h::fits(h::kMaxSize + 1));
  EXPECT_FALSE(h::fits(SIZE_MAX));
}

TEST(BlockHeaderLayout, EveryRequestLeavesItsAddressInsideItsOwnBlock) {
  EXPECT_EQ(h::block_bytes(0), h::kHeader + 1);
  for (std::size_t size : {1u, 15u, 16u, 4096u}) EXPECT_EQ(h::block_bytes(size), size + h::kHeader);
}

// A free reads the 16 bytes in front of an address only when they are in its 4 KiB page.
TEST(BlockHeaderLayout, NoAddressNearAPageStartIsReadInFrontOf) {
  for (std::uintptr_t page : {std::uintptr_t{0x10000}, std::uintptr_t{0x7f0000001000}}) {
    for (std::uintptr_t offset = 0; offset < h::kHeader; ++offset)
      EXPECT_FALSE(h::may_be_headed(reinterpret_cast<const void*>(page + offset))) << offset;
    EXPECT_TRUE(h::may_be_headed(reinterpret_cast<const void*>(page + h::kHeader)));
    EXPECT_TRUE(h::may_be_headed(reinterpret_cast<const void*>(page + 4095)));
    // A block 16 bytes before a page boundary would hand out the page start: no header.
    EXPECT_FALSE(h::can_head(reinterpret_cast<const void*>(page - h::kHeader)));
    EXPECT_TRUE(h::can_head(reinterpret_cast<const void*>(page)));
    EXPECT_TRUE(h::can_head(reinterpret_cast<const void*>(page - 2 * h::kHeader)));
  }
}

// Only a live header names its own address: a cleared one, one copied elsewhere, or
// arbitrary bytes do not.
TEST(BlockHeaderLayout, OnlyALiveHeaderInFrontOfItsOwnAddressCounts) {
  alignas(4096) static unsigned char page[4096];
  void* p = page + 64;
  h::header_of(p) = {h::check_for(p), h::encode(7, 100, false)};
  EXPECT_TRUE(h::is_headed(p));
  void* q = page + 256;
  std::memcpy(page + 256 - h::kHeader, page + 64 - h::kHeader, h::kHeader);  // the same bytes, another address
  EXPECT_FALSE(h::is_headed(q));
  h::header_of(p).check = 0;
  EXPECT_FALSE(h::is_headed(p));
  std::memset(page, 0xff, sizeof page);
  for (std::size_t at = h::kHeader; at < sizeof page; at += 16) EXPECT_FALSE(h::is_headed(page + at));
}

}  // namespace
