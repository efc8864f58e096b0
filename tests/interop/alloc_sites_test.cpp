// Allocation-site analysis: per site, the call tree, growth across a series, diff by
// symbol path across builds.
#include <gtest/gtest.h>

#include <string>

#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/readers.hpp"

namespace {

using namespace ctxheap::analyzer;

/// A profile of allocation sites only: (leaf-first frames, in use, allocated).
struct SiteText {
  std::vector<std::string_view> frames;
  std::uint64_t inuse = 0;
  std::uint64_t alloc = 0;
  std::uint64_t address_base = 0;
};

Profile sites_profile(const std::vector<SiteText>& sites) {
  ProfileBuilder b;
  for (const SiteText& s : sites) {
    std::vector<FrameText> frames;
    std::uint64_t a = s.address_base;
    for (auto f : s.frames) frames.push_back({f, "app.cpp", 10, "app", a += 16, a});
    Site site;
    site.stack = b.add_stack(std::span<const FrameText>(frames));
    site.estimated = {s.alloc / 64, s.alloc, s.inuse / 64, s.inuse};
    b.add_site(site);
  }
  return std::move(b).finish();
}

TEST(AllocSites, SitesMergeBySiteFrameAndRankByInUse) {
  const Profile p = sites_profile({{{"malloc", "cache_put", "main"}, 1000, 5000},
                                   {{"malloc", "cache_put", "worker"}, 3000, 3000},
                                   {{"operator new(unsigned long)", "parse", "main"}, 2000, 90000}});
  const auto sites = allocation_sites(p);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(p.str(sites[0].function), "cache_put");  // malloc is the allocator, not the site
  EXPECT_EQ(sites[0].totals.inuse_bytes, 4000u);
  EXPECT_EQ(sites[0].totals.alloc_bytes, 8000u);
  EXPECT_EQ(sites[0].stacks, 2u);
  EXPECT_EQ(p.str(sites[1].function), "parse");
}

TEST(AllocSites, CallTreeSumsCallersOverCallees) {
  const Profile p = sites_profile({{{"malloc", "cache_put", "main"}, 1000, 5000},
                                   {{"malloc", "parse", "main"}, 2000, 2000},
                                   {{"malloc", "cache_put", "worker"}, 3000, 3000}});
  const auto tree = call_tree(p);
  EXPECT_EQ(tree[0].cumulative.inuse_bytes, 6000u);
  std::uint64_t main_cum = 0, main_self = 1;
  for (const auto& n : tree) {
    if (n.depth == 1 && p.str(n.function) == "main") {
      main_cum = n.cumulative.inuse_bytes;
      main_self = n.self.inuse_bytes;
    }
  }
  EXPECT_EQ(main_cum, 3000u);
  EXPECT_EQ(main_self, 0u);
  EXPECT_LE(call_tree(p, 3).size(), 3u);
}

TEST(AllocSites, SeriesTellsGrowingFromPlateau) {
  constexpr std::uint64_t MiB = 1 << 20;
  const Profile a = sites_profile({{{"grow"}, 1 * MiB, 1 * MiB}, {{"warm"}, 1 * MiB, 1 * MiB}});
  const Profile b = sites_profile({{{"grow"}, 2 * MiB, 2 * MiB}, {{"warm"}, 5 * MiB, 5 * MiB}});
  const Profile c = sites_profile({{{"grow"}, 3 * MiB, 3 * MiB}, {{"warm"}, 5 * MiB, 5 * MiB}});
  const auto g = site_growth({&a, &b, &c});
  ASSERT_EQ(g.size(), 2u);
  for (const auto& s : g) {
    if (s.site.starts_with("grow")) {
      EXPECT_EQ(s.trend, SiteTrend::Growing);
      EXPECT_EQ(s.last_delta_bytes, static_cast<std::int64_t>(MiB));
    } else {
      EXPECT_EQ(s.trend, SiteTrend::Plateau);
    }
  }
}

TEST(AllocSites, UnsymbolizedCallTreeFramesReadModulePlusOffset) {
  const Profile p = sites_profile({{{"", "main"}, 100, 100, 0x4000}});
  const auto nodes = call_tree(p);
  bool found = false;
  for (const auto& n : nodes) {
    if (n.depth == 0) continue;
    EXPECT_FALSE(n.name.empty());
    EXPECT_EQ(n.name.find('?'), std::string::npos) << n.name;
    found = found || n.name == "app+0x4010";
  }
  EXPECT_TRUE(found);
}

TEST(AllocSites, DiffMatchesTwoBuildsBySymbolPathNotAddress) {
  const Profile before = sites_profile({{{"malloc", "cache_put", "main"}, 1000, 1000, 0x1000}});
  const Profile after = sites_profile({{{"malloc", "cache_put", "main"}, 4000, 4000, 0x9000},
                                       {{"malloc", "fresh", "main"}, 10, 10, 0x9000}});
  const auto d = diff_by_symbol_path(before, after);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].path, "main;cache_put;malloc");
  EXPECT_EQ(d[0].delta_inuse_bytes(), 3000);
  EXPECT_EQ(d[1].before.inuse_bytes, 0u);
}

}  // namespace
