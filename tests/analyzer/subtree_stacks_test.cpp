// Where a subtree allocated (subtree_stacks.hpp): a parent with no allocation of its own
// answers with its children's stacks, merged by stack.
#include <gtest/gtest.h>

#include "ctxheap/analyzer/subtree_stacks.hpp"
#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

TEST(SubtreeStacks, AParentShowsWhatItsStaleChildrenAllocatedMergedByStack) {
  ProfileMaker m = with_server();
  const FrameText body[] = {{"make_body", "/src/body.cpp", 12, "/bin/app", 0x4000, 0x4000, false},
                            {"handle_request", "/src/handler.cpp", 86, "/bin/app", 0x4100, 0x4100, false}};
  const FrameText cache[] = {{"fill_cache", "/src/cache.cpp", 7, "/bin/app", 0x5000, 0x5000, false}};
  const Index body_stack = m.builder().add_stack(std::span<const FrameText>(body));
  const Index cache_stack = m.builder().add_stack(std::span<const FrameText>(cache));
  for (ContextId id = 100; id < 160; id += 2) {
    add_request(m, id, id + 1);
    m.builder().add_site({id, body_stack, {1, 4096, 1, 4096}, {1, 4096, 1, 4096}});
  }
  m.builder().add_site({101, cache_stack, {1, 100, 1, 100}, {1, 100, 1, 100}});
  m.builder().add_site({0, cache_stack, {1, 999, 1, 999}, {1, 999, 1, 999}});  // no context: in no subtree
  const Analysis a = std::move(m).analyze();
  const SitesByContext sites(a);
  const Index server = a.forest.find(16);

  const SubtreeStacks s = subtree_stacks(a, sites, server);
  EXPECT_TRUE(sites.of(server).empty());  // nothing of its own
  ASSERT_EQ(s.stacks.size(), 2u);
  EXPECT_EQ(s.stacks[0].stack, body_stack);
  EXPECT_EQ(s.stacks[0].counts.inuse_bytes, 30u * 4096u);
  EXPECT_EQ(s.stacks[0].contexts, 30u);
  EXPECT_EQ(s.stacks[1].counts.inuse_bytes, 100u);
  EXPECT_EQ(s.total.inuse_bytes, 30u * 4096u + 100u);
  EXPECT_EQ(s.sites, 31u);
  EXPECT_EQ(s.contexts, 61u);  // the server, 30 values, 30 children
  EXPECT_EQ(sites.without_context().size(), 1u);

  const SubtreeStacks top = subtree_stacks(a, sites, server, 1);
  EXPECT_EQ(top.stacks.size(), 1u);
  EXPECT_EQ(top.distinct, 2u);
  EXPECT_EQ(top.total.inuse_bytes, s.total.inuse_bytes);  // totals before the cut
}

}  // namespace
