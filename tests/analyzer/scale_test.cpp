// The analyzer on big generated snapshots whose truth the generator knows: every stale
// entry is found, only the leaky creation sites become suspects, and derivation chains
// far deeper than any call stack are analysed without recursion.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "synthetic_snapshot.hpp"
#include "test_support.hpp"

namespace {

using namespace ctxheap::analyzer;

struct Generated {
  ctxheap_bench::SyntheticStats stats;
  Analysis analysis;
};

Generated generate_and_analyze(const ctxheap_bench::SyntheticShape& shape, const std::string& name) {
  const auto path = std::filesystem::path(::testing::TempDir()) / (name + ".ctxheap");
  const auto stats = ctxheap_bench::write_synthetic_snapshot(path, shape);
  Generated g{stats, analyze(load_profile(path))};
  std::filesystem::remove(path);
  return g;
}

std::string site_function(const Analysis& a, const StaleGroup& group) {
  return std::string(a.profile->str(a.sites[group.site].function));
}

TEST(SyntheticScale, EveryGeneratedStaleEntryIsFoundInAWideTree) {
  ctxheap_bench::SyntheticShape shape;
  shape.contexts = 50'000;
  const auto g = generate_and_analyze(shape, "wide");
  ASSERT_GT(g.stats.stale, 1'000u);
  EXPECT_EQ(g.analysis.summary.contexts, g.stats.contexts);
  EXPECT_EQ(g.analysis.summary.stale, g.stats.stale);
  EXPECT_EQ(g.analysis.findings.stale.size(), g.stats.stale);
}

TEST(SyntheticScale, OnlyTheLeakyCreationSitesBecomeSuspects) {
  ctxheap_bench::SyntheticShape shape;
  shape.contexts = 50'000;
  const auto g = generate_and_analyze(shape, "suspects");
  ASSERT_FALSE(g.analysis.suspects.empty());
  // Dropped cancels come from the generator's two leaky handlers only (stacks 2 and 3,
  // whose first user frames are app::site_1 and app::site_2).
  for (const LeakSuspect& s : g.analysis.suspects) {
    const std::string fn = site_function(g.analysis, g.analysis.stale_groups[s.group]);
    EXPECT_TRUE(fn == "app::site_1()" || fn == "app::site_2()") << fn << ": " << s.sentence;
  }
  // 8 servers × 2 leaky sites.
  EXPECT_EQ(g.analysis.stale_groups.size(), 16u);
}

TEST(SyntheticScale, DerivationChainsDeeperThanAnyCallStackAreAnalysed) {
  ctxheap_bench::SyntheticShape shape;
  shape.contexts = 210'000;
  shape.shape = ctxheap_bench::TreeShape::Deep;
  shape.chain_length = 100'000;
  const auto g = generate_and_analyze(shape, "deep");
  ASSERT_GE(g.stats.max_depth, 100'000u);
  EXPECT_EQ(g.analysis.summary.stale, g.stats.stale);
  std::uint32_t deepest = 0;
  for (Index i = 0; i < g.analysis.profile->contexts.size(); ++i)
    deepest = std::max(deepest, g.analysis.node(i).depth);
  EXPECT_EQ(deepest, g.stats.max_depth);
  // Subtree sums run through the whole chain: the deepest server subtree holds every
  // link of its 100,000-link chain (2 objects each).
  std::uint32_t biggest = 0;
  for (Index i = 0; i < g.analysis.profile->contexts.size(); ++i)
    if (g.analysis.node(i).depth == 1) biggest = std::max(biggest, g.analysis.node(i).subtree_contexts);
  EXPECT_GE(biggest, 100'000u);
}

}  // namespace
