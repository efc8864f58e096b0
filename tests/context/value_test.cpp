// with_value: lookup along the chain, shadowing, and ownership of the payload — including
// the retention the product measures (a value kept alive by a forgotten child).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <utility>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;

/// A payload that counts its destructions.
struct Tracked {
  Tracked(std::atomic<int>* counter, int v) : destroyed(counter), value(v) {}
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() { destroyed->fetch_add(1); }
  std::atomic<int>* destroyed;
  int value;
};

const ValueKey<int> kA{"a"};
const ValueKey<int> kB{"b"};
const ValueKey<std::string> kName{"name"};
const ValueKey<Tracked> kTracked{"tracked"};
// Same name as kA, different key: keys compare by identity.
const ValueKey<int> kAlsoNamedA{"a"};

TEST(Values, LookupWalksUpTheChain) {
  auto [root, cancel_root] = with_cancel(background());
  const Context va = with_value(root, kA, 1);
  auto [mid, cancel_mid] = with_cancel(va);
  const Context vb = with_value(mid, kB, 2);
  const Context w = without_cancel(vb);
  const Context leaf = with_value(w, kName, "leaf");

  ASSERT_NE(leaf.value(kA), nullptr);
  EXPECT_EQ(*leaf.value(kA), 1);
  ASSERT_NE(leaf.value(kB), nullptr);
  EXPECT_EQ(*leaf.value(kB), 2);
  ASSERT_NE(leaf.value(kName), nullptr);
  EXPECT_EQ(*leaf.value(kName), "leaf");
  EXPECT_EQ(mid.value(kA), va.value(kA));  // the same object, not a copy
  EXPECT_EQ(va.value(kB), nullptr);        // lookup never walks down
  cancel_root();
}

TEST(Values, NearestValueWins) {
  const Context outer = with_value(background(), kA, 1);
  auto [mid, cancel_mid] = with_cancel(outer);
  const Context inner = with_value(mid, kA, 2);
  auto [leaf, cancel_leaf] = with_cancel(inner);
  EXPECT_EQ(*outer.value(kA), 1);
  EXPECT_EQ(*mid.value(kA), 1);
  EXPECT_EQ(*inner.value(kA), 2);
  EXPECT_EQ(*leaf.value(kA), 2);
  cancel_mid();
}

TEST(Values, UnrelatedKeyGivesNullptr) {
  const Context v = with_value(background(), kA, 1);
  EXPECT_EQ(v.value(kB), nullptr);
  EXPECT_EQ(background().value(kA), nullptr);
  EXPECT_EQ(todo().value(kA), nullptr);
}

TEST(Values, KeysCompareByIdentityNotByName) {
  const Context v = with_value(background(), kA, 1);
  EXPECT_EQ(v.value(kAlsoNamedA), nullptr);
  const Context both = with_value(v, kAlsoNamedA, 2);
  EXPECT_EQ(*both.value(kA), 1);
  EXPECT_EQ(*both.value(kAlsoNamedA), 2);
}

TEST(Values, ValueContextIdentity) {
  auto [parent, cancel_parent] = with_cancel(background());
  const Context v = with_value(parent, kName, 3, 'x');  // constructed in place: "xxx"
  EXPECT_EQ(v.kind(), ContextKind::Value);
  EXPECT_EQ(v.parent_id(), parent.id());
  EXPECT_TRUE(v.parent() == parent);
  EXPECT_EQ(v.name(), "name");
  EXPECT_EQ(*v.value(kName), "xxx");
  cancel_parent();
}

TEST(Values, ValuesOwnTheirPayloadUntilTheLastReferenceGoes) {
  std::atomic<int> destroyed{0};
  {
    Context v = with_value(background(), kTracked, &destroyed, 5);
    Context copy = v;
    EXPECT_EQ(v.value(kTracked)->value, 5);
    v = background();
    EXPECT_EQ(destroyed.load(), 0);
    EXPECT_EQ(copy.value(kTracked)->value, 5);
    {
      // A descendant references the value context through its parent chain.
      auto [child, cancel_child] = with_cancel(copy);
      copy = background();
      EXPECT_EQ(destroyed.load(), 0);
      EXPECT_EQ(child.value(kTracked)->value, 5);
      cancel_child();
    }
    EXPECT_EQ(destroyed.load(), 1);
  }
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(Values, ValueUnderForgottenChildIsRetainedWhileChildIsRegisteredInLiveParent) {
  std::atomic<int> destroyed{0};
  auto [parent, cancel_parent] = with_cancel(background());
  ContextId child_id = kNoContext;
  {
    const Context v = with_value(parent, kTracked, &destroyed, 9);
    auto [child, cancel_child] = with_cancel(v);
    child_id = child.id();
    // Every handle, including cancel_child, is dropped uncalled here.
  }
  EXPECT_EQ(destroyed.load(), 0);
  ASSERT_EQ(parent.child_count(), 1u);
  {
    const auto kids = parent.registered_children();
    ASSERT_EQ(kids.size(), 1u);
    EXPECT_EQ(kids[0].id(), child_id);
    EXPECT_FALSE(kids[0].done());
    EXPECT_TRUE(kids[0].cancel_dropped());
    ASSERT_NE(kids[0].value(kTracked), nullptr);
    EXPECT_EQ(kids[0].value(kTracked)->value, 9);
  }
  EXPECT_EQ(destroyed.load(), 0);
  cancel_parent();  // the parent drops its set, and with it the last reference
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(Values, ValueUnderForgottenChildOfBackgroundIsFreedWithItsHandles) {
  std::atomic<int> destroyed{0};
  {
    const Context v = with_value(background(), kTracked, &destroyed, 1);
    auto [child, cancel_child] = with_cancel(v);
  }
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(Values, ValueUnderCancelledChildIsFreedWithItsHandles) {
  std::atomic<int> destroyed{0};
  auto [parent, cancel_parent] = with_cancel(background());
  {
    const Context v = with_value(parent, kTracked, &destroyed, 1);
    auto [child, cancel_child] = with_cancel(v);
    cancel_child();
  }
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_EQ(parent.child_count(), 0u);
  cancel_parent();
}

}  // namespace
