// The address → owner table on its own: exact round trips, growth, and the memory budget.
#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "side_table.hpp"

namespace {

using ctxheap::collector::Owner;
using ctxheap::collector::SideTable;

TEST(SideTable, EveryInsertedBlockComesBackWithItsOwner) {
  auto table = std::make_unique<SideTable>();
  std::mt19937_64 rng(42);
  std::unordered_map<std::uintptr_t, Owner> truth;
  for (int i = 0; i < 300000; ++i) {
    const std::uintptr_t addr = (0x10000000ull + (rng() % (1ull << 36))) & ~std::uintptr_t{15};
    if (truth.count(addr)) continue;
    const Owner o{static_cast<std::uint32_t>(rng() % SideTable::kMaxSlot), rng() % 100000, (i % 7) == 0};
    ASSERT_TRUE(table->insert(addr, o));
    truth[addr] = o;
  }
  EXPECT_EQ(table->live_entries(), truth.size());
  for (const auto& [addr, expected] : truth) {
    Owner got;
    ASSERT_TRUE(table->erase(addr, &got));
    EXPECT_EQ(got.slot, expected.slot);
    EXPECT_EQ(got.size, expected.size);
    EXPECT_EQ(got.sampled, expected.sampled);
  }
  EXPECT_EQ(table->live_entries(), 0u);
  Owner none;
  EXPECT_FALSE(table->erase(0x10000000ull, &none));
}

TEST(SideTable, HugeBlocksKeepTheirExactSize) {
  auto table = std::make_unique<SideTable>();
  const std::uint64_t huge = (std::uint64_t{5} << 30) + 12345;  // 5 GiB + change
  ASSERT_TRUE(table->insert(0x7f0000001000ull, {7, huge, false}));
  Owner got;
  ASSERT_TRUE(table->erase(0x7f0000001000ull, &got));
  EXPECT_EQ(got.size, huge);
  EXPECT_EQ(got.slot, 7u);
}

TEST(SideTable, StaysWithinSixteenBytesPerLiveBlockAtScale) {
  auto table = std::make_unique<SideTable>();
  const std::size_t n = 2'000'000;
  for (std::size_t i = 0; i < n; ++i) ASSERT_TRUE(table->insert(0x20000000ull + i * 32, {1, 32, false}));
  const double per_block = static_cast<double>(table->committed_bytes()) / static_cast<double>(n);
  EXPECT_LE(per_block, 16.0) << "bytes per live block: " << per_block;
  std::printf("bytes per live block: %.2f\n", per_block);
}

TEST(SideTable, RejectsAddressesOutsideTheEncoding) {
  auto table = std::make_unique<SideTable>();
  EXPECT_FALSE(table->insert(0, {1, 1, false}));
  EXPECT_FALSE(table->insert(std::uintptr_t{1} << 48, {1, 1, false}));
  EXPECT_FALSE(table->insert(0x1003, {1, 1, false}));  // not 8-byte aligned
}

}  // namespace
