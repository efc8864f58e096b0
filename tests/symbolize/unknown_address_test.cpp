// Addresses nothing covers, and the per-address cache.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "capture.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"

namespace {

using ctxheap::symbolize::Symbolizer;

TEST(UnknownAddress, YieldsOneEmptyFrameAndHexDisplay) {
  auto symbolizer = Symbolizer::for_this_process();
  for (const std::uint64_t address :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x10}, std::uint64_t{0xfff},
        std::numeric_limits<std::uint64_t>::max()}) {
    for (const bool is_return_address : {true, false}) {
      const auto& frames = symbolizer.resolve(address, is_return_address);
      ASSERT_EQ(frames.size(), 1u) << address;
      const auto& frame = frames.front();
      EXPECT_EQ(frame.address, address);
      EXPECT_TRUE(frame.function.empty());
      EXPECT_TRUE(frame.file.empty());
      EXPECT_EQ(frame.line, 0u);
      EXPECT_TRUE(frame.module.empty());
      EXPECT_FALSE(frame.inlined);
    }
  }
  EXPECT_EQ(display_name(symbolizer.resolve(0x10)[0]), "0x10");
  EXPECT_EQ(display_name(symbolizer.resolve(0)[0]), "0x0");
}

TEST(ResolveCache, SameAddressTwiceReturnsTheSameFramesWithoutGrowing) {
  auto symbolizer = Symbolizer::for_this_process();
  const std::uint64_t address = symbolize_fixture::return_address_in_caller();
  EXPECT_EQ(symbolizer.cache_size(), 0u);

  const auto& first = symbolizer.resolve(address);
  EXPECT_EQ(symbolizer.cache_size(), 1u);
  const auto& second = symbolizer.resolve(address);
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(symbolizer.cache_size(), 1u);

  // The same address as a non-return address is a different question.
  symbolizer.resolve(address, /*is_return_address=*/false);
  EXPECT_EQ(symbolizer.cache_size(), 2u);
}

TEST(ResolveCache, ReferencesSurviveMovingTheSymbolizer) {
  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames = symbolizer.resolve(symbolize_fixture::return_address_in_caller());
  const auto function = frames.front().function;
  Symbolizer moved = std::move(symbolizer);
  for (std::uint64_t i = 0; i < 1000; ++i) moved.resolve(0x1000 + i);  // force rehashes
  EXPECT_EQ(frames.front().function, function);
  EXPECT_FALSE(function.empty());
}

}  // namespace
