// What the reports select: top parents, top sites, the pruned tree, stable site keys.
#include <gtest/gtest.h>

#include "ctxheap/report/selection.hpp"
#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;

TEST(Selection, TopParentsSkipBackgroundAndRankTheServerFirst) {
  const Analysis a = analyze(leak_profile());
  const auto parents = report::top_parents(a, 10);
  ASSERT_FALSE(parents.empty());
  EXPECT_EQ(a.profile->str(a.context(parents[0]).name), "server");
  for (const auto i : parents) EXPECT_NE(a.context(i).kind, ContextKind::Background);
}

TEST(Selection, TopSitesAreRankedByInUseBytesAndCut) {
  const Analysis a = analyze(leak_profile());
  const auto sites = report::top_sites(a, 2);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_GE(a.sites[sites[0]].self.inuse_bytes(), a.sites[sites[1]].self.inuse_bytes());
  EXPECT_EQ(report::top_sites(a, 0).size(), a.sites.size() - 1);  // not Background's, which allocated nothing
}

TEST(Selection, TreeShowsTheLargestChildrenAndSumsTheRest) {
  const Analysis a = analyze(leak_profile());
  const auto rows = report::select_tree(a, 1000, 3);
  std::uint64_t shown = 0, hidden = 0;
  bool summary_under_server = false;
  for (const auto& row : rows) {
    if (row.context != kNoIndex) {
      ++shown;
    } else {
      hidden += row.hidden_contexts;
      summary_under_server = summary_under_server || (row.depth == 2 && row.hidden_children == 2 * 150 - 3);
    }
  }
  EXPECT_TRUE(summary_under_server);
  EXPECT_EQ(shown + hidden, a.forest.size());
}

TEST(Selection, TreeStopsAtTheRowBudgetAndCountsTheRest) {
  const Analysis a = analyze(leak_profile());
  const auto rows = report::select_tree(a, 2, 100);
  std::size_t context_rows = 0;
  for (const auto& row : rows) context_rows += row.context != kNoIndex ? 1 : 0;
  EXPECT_EQ(context_rows, 2u);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().context, kNoIndex);
  EXPECT_EQ(rows.back().depth, 0u);
  EXPECT_EQ(rows.back().hidden_contexts, a.forest.size() - 2);
}

TEST(Selection, TreeCutAtMaxDepthSumsADeepChainInOneRowWithoutRecursion) {
  // A chain 100,000 links deep (each a stale child of the previous): the tree shows
  // max_depth levels and one row for everything below; rows and contexts add up.
  ProfileBuilder b;
  b.meta().monotonic_time_ns = kNow;
  b.meta().source_format = SourceFormat::Synthetic;
  Context server;
  server.id = 16;
  server.kind = ContextKind::Cancel;
  server.name = b.intern("server");
  b.add_context(server);
  constexpr ContextId links = 100'000;
  for (ContextId k = 0; k < links; ++k) {
    Context link;
    link.id = 100 + k;
    link.kind = ContextKind::Cancel;
    link.parent_id = link.registered_under_id = k == 0 ? 16 : 99 + k;
    link.cancel_dropped = true;
    link.counters = {1, 256, 0, 0};
    b.add_context(link);
  }
  const Analysis a = analyze(std::move(b).finish());
  const auto rows = report::select_tree(a, 0, 0, 10);
  std::uint64_t shown = 0, hidden = 0;
  for (const auto& row : rows) {
    if (row.context != kNoIndex) ++shown;
    hidden += row.hidden_contexts;
  }
  ASSERT_EQ(rows.size(), 11u);  // the server, 9 links, one row for the rest
  EXPECT_EQ(rows.back().context, kNoIndex);
  EXPECT_EQ(rows.back().depth, 10u);
  EXPECT_EQ(rows.back().hidden_children, 1u);
  EXPECT_EQ(shown + hidden, a.forest.size());
  // Without a depth cap the same chain is walked iteratively, every level a row.
  EXPECT_EQ(report::select_tree(a, 0, 0).size(), a.forest.size());
}

TEST(Selection, SiteKeysIgnoreLinesAndDirectories) {
  LeakShape moved;
  moved.line = 120;
  moved.file = "/elsewhere/handler.cpp";
  const Analysis a = analyze(leak_profile());
  const Analysis b = analyze(leak_profile(moved));
  const auto key = [](const Analysis& x) {
    const auto& g = x.stale_groups.at(0);
    return report::site_key(*x.profile, x.sites[g.site]);
  };
  EXPECT_EQ(key(a), "handle_request(int)@handler.cpp");
  EXPECT_EQ(key(a), key(b));
  EXPECT_EQ(report::registrar_site_key(a, a.stale_groups[0]), "main@main.cpp");
}

}  // namespace
