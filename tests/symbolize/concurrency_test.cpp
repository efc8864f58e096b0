// One Symbolizer shared by threads (the collector's snapshot writer and the
// analyzer may both do this): answers agree and nothing races.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "capture.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"

namespace {

using ctxheap::symbolize::Frame;
using ctxheap::symbolize::Symbolizer;

TEST(SharedSymbolizer, ThreadsResolvingTogetherGetTheSameFrames) {
  auto symbolizer = Symbolizer::for_this_process();
  const std::uint64_t here = symbolize_fixture::return_address_in_caller();
  std::vector<std::uint64_t> addresses;
  for (std::uint64_t i = 0; i < 200; ++i) addresses.push_back(here - 64 + i);

  constexpr int kThreads = 4;
  std::vector<std::vector<const std::vector<Frame>*>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const auto address : addresses) seen[t].push_back(&symbolizer.resolve(address));
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(symbolizer.cache_size(), addresses.size());
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t], seen[0]);  // the very same cache entries
  EXPECT_FALSE(symbolizer.resolve(here).front().function.empty());
}

}  // namespace
