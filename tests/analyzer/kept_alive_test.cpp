// What stale entries keep alive beyond their subtree (kept_alive.hpp): the request body
// value context that only the stale child references, and nothing a healthy context shares.
#include <gtest/gtest.h>

#include "ctxheap/analyzer/kept_alive.hpp"
#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

TEST(KeptAlive, TheBodyOnlyAStaleChildReferencesIsKeptAliveByIt) {
  ProfileMaker m = with_server();
  add_request(m, 100, 101);         // stale: its cancel was dropped
  add_request(m, 102, 103, false);  // not stale (registered, live, cancel kept): its body is not "kept alive"
  m.add(Ctx(104, ContextKind::Value).from(16).named("shared").at("share", "handler.cpp", 5).inuse(1, 64));
  m.add(Ctx(105, ContextKind::Cancel).from(104).under(16).named("a").at("share", "handler.cpp", 6).dropped());
  m.add(Ctx(106, ContextKind::Cancel).from(104).under(16).named("b").at("share", "handler.cpp", 7).dropped());
  const Analysis a = std::move(m).analyze();
  const auto keeper = kept_alive_by_stale(a);
  ASSERT_EQ(keeper.size(), a.forest.size());
  const Index body = a.forest.find(100), child = a.forest.find(101);
  ASSERT_TRUE(a.node(child).stale);
  EXPECT_EQ(exclusive_values_of(a.forest, child), body);
  EXPECT_EQ(keeper[body], child);
  EXPECT_EQ(keeper[a.forest.find(102)], kNoIndex);
  EXPECT_EQ(keeper[a.forest.find(104)], kNoIndex);  // two stale children share it: neither alone keeps it
  // retained_if_cancelled counts the same body.
  EXPECT_EQ(a.node(child).retained.bytes, a.node(child).subtree.inuse_bytes() + a.node(body).subtree.inuse_bytes());
}

}  // namespace
