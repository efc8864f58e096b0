// The retention forest: registered-under edges are the real retainers; everything else
// hangs under what it was created from. Sums, counts and ages per node.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

Index at(const Analysis& a, ContextId id) {
  const Index i = a.forest.find(id);
  EXPECT_NE(i, kNoIndex) << "context #" << id;
  return i;
}

TEST(Forest, RegisteredChildHangsUnderItsRegistrarNotItsValueParent) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18);
  const Analysis a = std::move(m).analyze();
  const RetentionNode& child = a.node(at(a, 18));
  EXPECT_EQ(child.edge, RetentionEdge::Registered);
  EXPECT_EQ(child.parent, at(a, 16));
  EXPECT_EQ(child.created_from, at(a, 17));  // the derivation is kept too
  const RetentionNode& value = a.node(at(a, 17));
  EXPECT_EQ(value.edge, RetentionEdge::CreatedFrom);
  EXPECT_EQ(value.parent, at(a, 16));
  EXPECT_EQ(a.node(at(a, 16)).edge, RetentionEdge::CreatedFrom);
  EXPECT_EQ(a.node(at(a, 1)).edge, RetentionEdge::Root);
  ASSERT_EQ(a.forest.roots().size(), 1u);
  EXPECT_EQ(a.forest.roots()[0], at(a, 1));
}

TEST(Forest, SubtreeSumsItselfAndEveryDescendant) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, true, 1000);
  add_request(m, 19, 20, true, 2000);
  const Analysis a = std::move(m).analyze();
  const RetentionNode& server = a.node(at(a, 16));
  // 264 (server) + 2 * 272 (children) + (1000 + 176) + (2000 + 176) (bodies)
  EXPECT_EQ(server.subtree.inuse_bytes(), 264u + 2 * 272 + 1176 + 2176);
  EXPECT_EQ(server.subtree.inuse_objects(), 1u + 2 * 1 + 2 * 2);
  EXPECT_EQ(server.subtree.alloc_bytes, server.subtree.inuse_bytes() + 2 * 1538);
  EXPECT_EQ(server.self.inuse_bytes(), 264u);
  EXPECT_EQ(server.subtree_contexts, 5u);
  EXPECT_EQ(a.node(at(a, 1)).subtree, server.subtree);  // Background owns nothing itself
  EXPECT_NEAR(inuse_ratio(a.node(at(a, 18)).self), 272.0 / (272 + 1538), 1e-12);
}

TEST(Forest, CountsChildrenRegisteredChildrenDepthAndAge) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18);
  add_request(m, 19, 20);
  m.add(Ctx(21, ContextKind::Cancel).from(16).under(16).created(kNow - 90 * kSecond));
  const Analysis a = std::move(m).analyze();
  const RetentionNode& server = a.node(at(a, 16));
  EXPECT_EQ(server.children, 5u);              // two values, three registered
  EXPECT_EQ(server.registered_children, 3u);
  EXPECT_EQ(a.forest.children(at(a, 16)).size(), 5u);
  EXPECT_EQ(server.depth, 1u);
  EXPECT_EQ(a.node(at(a, 18)).depth, 2u);
  EXPECT_EQ(a.node(at(a, 21)).age_ns, 90 * kSecond);
  EXPECT_EQ(a.node(at(a, 17)).derived, 1u);
  EXPECT_EQ(server.derived, 3u);  // two bodies and #21
}

TEST(Forest, PreorderVisitsParentsBeforeChildren) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18);
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.forest.preorder().size(), a.forest.size());
  std::vector<int> position(a.forest.size());
  for (std::size_t k = 0; k < a.forest.preorder().size(); ++k) position[a.forest.preorder()[k]] = static_cast<int>(k);
  for (Index i = 0; i < a.forest.size(); ++i) {
    if (a.node(i).parent != kNoIndex) {
      EXPECT_LT(position[a.node(i).parent], position[i]);
    }
  }
}

TEST(Forest, MissingParentMakesARootAndAWarning) {
  ProfileMaker m = with_server();
  m.add(Ctx(30, ContextKind::Cancel).from(29).under(28));  // both pruned
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(a.node(at(a, 30)).edge, RetentionEdge::Root);
  EXPECT_EQ(a.forest.dangling_parents(), 1u);
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_NE(a.warnings[0].find("absent"), std::string::npos);
}

TEST(Forest, AMillionDeepChainNeedsNoRecursion) {
  constexpr ContextId kDepth = 1'000'000;
  ProfileMaker m;
  m.builder().reserve_contexts(kDepth + 1);
  m.add(Ctx(1, ContextKind::Background));
  for (ContextId id = 2; id <= kDepth; ++id) m.add(Ctx(id, ContextKind::Cancel).from(id - 1).under(id == 2 ? 0 : id - 1).inuse(1, 8));
  const Analysis a = std::move(m).analyze();
  const RetentionNode& top = a.node(at(a, 2));
  EXPECT_EQ(top.subtree.inuse_bytes(), 8 * (kDepth - 1));
  EXPECT_EQ(top.subtree_contexts, kDepth - 1);
  EXPECT_EQ(a.node(at(a, kDepth)).depth, kDepth - 1);
}

TEST(Forest, ParentCyclesInCorruptInputAreCut) {
  ProfileMaker m;
  m.add(Ctx(5, ContextKind::Cancel).from(6).under(6).inuse(1, 10));
  m.add(Ctx(6, ContextKind::Cancel).from(7).under(7).inuse(1, 10));
  m.add(Ctx(7, ContextKind::Cancel).from(5).under(5).inuse(1, 10));
  m.add(Ctx(8, ContextKind::Cancel).from(5).under(5).inuse(1, 10));  // hangs off the cycle
  m.add(Ctx(9, ContextKind::Cancel).from(9).inuse(1, 10));           // its own parent
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(a.forest.cycles_broken(), 1u);
  EXPECT_EQ(a.forest.preorder().size(), 5u);
  std::uint64_t total = 0;
  for (Index r : a.forest.roots()) total += a.node(r).subtree.inuse_bytes();
  EXPECT_EQ(total, 50u);  // every node counted exactly once
}

TEST(Retained, StaleChildRetainsItsSubtreeAndTheValueOnlyItReferences) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, true, 4096);
  m.add(Ctx(40, ContextKind::Value).from(18).inuse(3, 900));  // derived from the child: in its subtree
  const Analysis a = std::move(m).analyze();
  const Retained r = retained_if_cancelled(a.forest, at(a, 18));
  EXPECT_EQ(r.bytes, 272u + 900 + 4096 + 176);
  EXPECT_EQ(r.objects, 1u + 3 + 2);
  EXPECT_EQ(a.node(at(a, 18)).retained, r);  // stored on the stale node
}

TEST(Retained, AValueSharedWithAnotherDerivedContextIsNotCounted) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, true, 4096);
  m.add(Ctx(19, ContextKind::Cancel).from(17).under(16));  // also derived from the body
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(retained_if_cancelled(a.forest, at(a, 18)).bytes, 272u);
}

TEST(Retained, ADestroyedDerivedContextNoLongerSharesTheValue) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, true, 4096);
  m.add(Ctx(19, ContextKind::Cancel).from(17).ended(ContextState::Cancelled, kNow - kSecond).destroyed());
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(retained_if_cancelled(a.forest, at(a, 18)).bytes, 272u + 4096 + 176);
}

TEST(Retained, ChainOfExclusiveValuesIsCountedUpToTheRegistrar) {
  ProfileMaker m = with_server();
  m.add(Ctx(17, ContextKind::Value).from(16).inuse(1, 100));
  m.add(Ctx(18, ContextKind::Value).from(17).inuse(1, 200));
  m.add(Ctx(19, ContextKind::Cancel).from(18).under(16).dropped().inuse(1, 300));
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(retained_if_cancelled(a.forest, at(a, 19)).bytes, 600u);
}

}  // namespace
