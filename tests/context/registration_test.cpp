// Where a new context is registered (Go's propagateCancel / parentCancelCtx).
#include <gtest/gtest.h>

#include <chrono>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::contains;

const ValueKey<int> kA{"a"};
const ValueKey<int> kB{"b"};

void expect_never_done_root(const Context& root) {
  EXPECT_EQ(root.parent_id(), kNoContext);
  EXPECT_EQ(root.registered_under(), kNoContext);
  EXPECT_FALSE(root.can_be_done());
  EXPECT_FALSE(root.done());
  EXPECT_EQ(root.err(), Err::None);
  EXPECT_EQ(root.cause(), "");
  EXPECT_EQ(root.state(), ContextState::Live);
  EXPECT_FALSE(root.ended_at().has_value());
  EXPECT_FALSE(root.deadline().has_value());
  EXPECT_EQ(root.child_count(), 0u);
  EXPECT_TRUE(root.registered_children().empty());
  EXPECT_FALSE(root.stop_token().stop_possible());
}

TEST(Registration, BackgroundIsNeverDoneAndHasNoChildrenSet) {
  const Context bg = background();
  EXPECT_EQ(bg.id(), kBackgroundId);
  EXPECT_EQ(bg.kind(), ContextKind::Background);
  expect_never_done_root(bg);
}

TEST(Registration, TodoIsNeverDoneAndHasNoChildrenSet) {
  const Context todo_ctx = todo();
  EXPECT_EQ(todo_ctx.id(), kTodoId);
  EXPECT_EQ(todo_ctx.kind(), ContextKind::Todo);
  expect_never_done_root(todo_ctx);
}

TEST(Registration, DefaultConstructedContextIsBackground) {
  const Context c;
  EXPECT_EQ(c.id(), kBackgroundId);
  EXPECT_EQ(c.kind(), ContextKind::Background);
  EXPECT_TRUE(c == background());
}

TEST(Registration, ChildOfBackgroundIsRegisteredNowhere) {
  auto [c1, cancel1] = with_cancel(background());
  auto [c2, cancel2] = with_timeout(background(), 1h);
  auto [c3, cancel3] = with_deadline(background(), now() + 1h);
  AfterFunc af = after_func(background(), [] {});
  const Context v = with_value(background(), kA, 1);
  auto [c4, cancel4] = with_cancel(v);

  for (const Context* c : {&c1, &c2, &c3, &c4}) {
    EXPECT_EQ(c->registered_under(), kNoContext);
    EXPECT_TRUE(c->can_be_done());
    EXPECT_EQ(c->state(), ContextState::Live);
  }
  EXPECT_EQ(c1.parent_id(), kBackgroundId);
  EXPECT_EQ(c4.parent_id(), v.id());
  EXPECT_EQ(background().child_count(), 0u);
  EXPECT_TRUE(background().registered_children().empty());

  cancel1();
  cancel2();
  cancel3();
  cancel4();
  EXPECT_EQ(background().child_count(), 0u);
  EXPECT_FALSE(background().done());
}

TEST(Registration, ChildOfTodoIsRegisteredNowhere) {
  auto [c, cancel] = with_cancel(todo());
  EXPECT_EQ(c.registered_under(), kNoContext);
  EXPECT_EQ(c.parent_id(), kTodoId);
  EXPECT_EQ(todo().child_count(), 0u);
  cancel();
}

TEST(Registration, ChildOfCancelableIsRegisteredInItsChildrenSet) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [child, cancel_child] = with_cancel(parent);
  EXPECT_EQ(child.parent_id(), parent.id());
  EXPECT_EQ(child.registered_under(), parent.id());
  EXPECT_EQ(parent.child_count(), 1u);
  const auto kids = parent.registered_children();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_TRUE(kids[0] == child);
  cancel_parent();
}

TEST(Registration, WithDeadlineAndWithTimeoutRegisterInNearestCancelableAncestor) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [d, cancel_d] = with_deadline(parent, now() + 1h);
  auto [t, cancel_t] = with_timeout(parent, 1h);
  EXPECT_EQ(d.registered_under(), parent.id());
  EXPECT_EQ(t.registered_under(), parent.id());
  EXPECT_EQ(parent.child_count(), 2u);
  const auto kids = parent.registered_children();
  EXPECT_TRUE(contains(kids, d));
  EXPECT_TRUE(contains(kids, t));
  cancel_parent();
}

TEST(Registration, AfterFuncRegistersInNearestCancelableAncestor) {
  auto [parent, cancel_parent] = with_cancel(background());
  AfterFunc af = after_func(parent, [] {});
  EXPECT_EQ(parent.child_count(), 1u);
  const auto kids = parent.registered_children();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].kind(), ContextKind::AfterFunc);
  EXPECT_EQ(kids[0].registered_under(), parent.id());
  EXPECT_EQ(kids[0].parent_id(), parent.id());
  EXPECT_TRUE(af.stop());
  EXPECT_EQ(parent.child_count(), 0u);
  cancel_parent();
}

TEST(Registration, ChildOfValueContextIsRegisteredUnderNearestCancelableAncestor) {
  auto [parent, cancel_parent] = with_cancel(background());
  const Context v1 = with_value(parent, kA, 1);
  const Context v2 = with_value(v1, kB, 2);
  auto [child, cancel_child] = with_cancel(v2);
  auto [timed, cancel_timed] = with_timeout(v2, 1h);
  AfterFunc af = after_func(v2, [] {});

  EXPECT_EQ(child.parent_id(), v2.id());
  EXPECT_EQ(child.registered_under(), parent.id());
  EXPECT_EQ(timed.registered_under(), parent.id());
  EXPECT_EQ(parent.child_count(), 3u);
  EXPECT_TRUE(contains(parent.registered_children(), child));
  EXPECT_TRUE(contains(parent.registered_children(), timed));
  cancel_parent();
}

TEST(Registration, ValueContextsThemselvesAreNotRegistered) {
  auto [parent, cancel_parent] = with_cancel(background());
  const Context v = with_value(parent, kA, 1);
  EXPECT_EQ(v.kind(), ContextKind::Value);
  EXPECT_EQ(v.registered_under(), kNoContext);
  EXPECT_EQ(parent.child_count(), 0u);
  // A value context has no children set of its own.
  auto [child, cancel_child] = with_cancel(v);
  EXPECT_EQ(v.child_count(), 0u);
  EXPECT_TRUE(v.registered_children().empty());
  EXPECT_EQ(parent.child_count(), 1u);
  cancel_parent();
}

TEST(Registration, ChildIsRegisteredUnderTheNearestNotTheOutermostCancelableAncestor) {
  auto [root, cancel_root] = with_cancel(background());
  auto [mid, cancel_mid] = with_cancel(root);
  const Context v = with_value(mid, kA, 1);
  auto [leaf, cancel_leaf] = with_cancel(v);
  EXPECT_EQ(leaf.registered_under(), mid.id());
  EXPECT_EQ(mid.registered_under(), root.id());
  EXPECT_EQ(root.child_count(), 1u);
  EXPECT_EQ(mid.child_count(), 1u);
  cancel_root();
}

TEST(Registration, WithoutCancelStopsTheChain) {
  auto [parent, cancel_parent] = with_cancel(background());
  const Context w = without_cancel(parent);
  EXPECT_EQ(w.kind(), ContextKind::WithoutCancel);
  EXPECT_EQ(w.parent_id(), parent.id());
  EXPECT_EQ(w.registered_under(), kNoContext);

  auto [c1, cancel1] = with_cancel(w);
  const Context v = with_value(w, kA, 1);
  auto [c2, cancel2] = with_cancel(v);
  auto [c3, cancel3] = with_timeout(w, 1h);
  AfterFunc af = after_func(w, [] {});

  EXPECT_EQ(c1.registered_under(), kNoContext);
  EXPECT_EQ(c2.registered_under(), kNoContext);
  EXPECT_EQ(c3.registered_under(), kNoContext);
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_EQ(w.child_count(), 0u);

  cancel_parent();
  EXPECT_FALSE(c1.done());
  EXPECT_FALSE(c2.done());
  EXPECT_FALSE(c3.done());
  cancel1();
  cancel2();
  cancel3();
}

TEST(Registration, WithoutCancelKeepsValuesHasNoDeadlineAndIsNeverDone) {
  auto [parent, cancel_parent] = with_timeout(background(), 1h);
  const Context v = with_value(parent, kA, 7);
  const Context w = without_cancel(v);
  auto [before, cancel_before] = with_cancel(w);

  ASSERT_NE(w.value(kA), nullptr);
  EXPECT_EQ(*w.value(kA), 7);
  ASSERT_TRUE(parent.deadline().has_value());
  EXPECT_FALSE(w.deadline().has_value());
  EXPECT_FALSE(before.deadline().has_value());
  EXPECT_FALSE(w.can_be_done());
  EXPECT_FALSE(w.stop_token().stop_possible());

  cancel_parent("parent ended");
  EXPECT_TRUE(v.done());
  EXPECT_FALSE(w.done());
  EXPECT_EQ(w.err(), Err::None);
  EXPECT_EQ(w.cause(), "");
  EXPECT_EQ(w.state(), ContextState::Live);
  EXPECT_FALSE(before.done());

  auto [after, cancel_after] = with_cancel(w);
  EXPECT_FALSE(after.done());
  EXPECT_EQ(after.state(), ContextState::Live);
  cancel_before();
  cancel_after();
}

TEST(Registration, ChildOfDoneParentIsDoneAtOnceAndNotRegistered) {
  auto [parent, cancel_parent] = with_cancel(background());
  cancel_parent("parent gone");
  const Context v = with_value(parent, kA, 1);

  auto [c1, cancel1] = with_cancel(parent);
  auto [c2, cancel2] = with_cancel(v);
  auto [c3, cancel3] = with_timeout(parent, 1h);
  for (const Context* c : {&c1, &c2, &c3}) {
    EXPECT_TRUE(c->done());
    EXPECT_EQ(c->err(), Err::Canceled);
    EXPECT_EQ(c->cause(), "parent gone");
    EXPECT_EQ(c->state(), ContextState::Cancelled);
    EXPECT_TRUE(c->ended_at().has_value());
    EXPECT_EQ(c->registered_under(), kNoContext);
  }
  EXPECT_EQ(parent.child_count(), 0u);
}

TEST(Registration, ChildOfExpiredParentIsDoneAtOnceWithDeadlineExceeded) {
  ManualClock clock;
  ScopedClock use(clock);
  auto [parent, cancel_parent] = with_timeout(background(), 1s);
  clock.advance(1s);
  ASSERT_EQ(parent.err(), Err::DeadlineExceeded);

  auto [child, cancel_child] = with_cancel(parent);
  EXPECT_TRUE(child.done());
  EXPECT_EQ(child.err(), Err::DeadlineExceeded);
  EXPECT_EQ(child.cause(), "context deadline exceeded");
  EXPECT_EQ(child.state(), ContextState::Expired);
  EXPECT_EQ(child.registered_under(), kNoContext);
  EXPECT_EQ(parent.child_count(), 0u);
}

}  // namespace
