// Cancellation, removal and cascade (Go's cancelCtx.cancel and removeChild), err() and
// cause(), state() and ended_at().
#include <gtest/gtest.h>

#include <chrono>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::contains;

const ValueKey<int> kA{"a"};

TEST(Cancellation, CancellingChildRemovesItFromParentsSet) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [child, cancel_child] = with_cancel(parent);
  auto [sibling, cancel_sibling] = with_cancel(parent);
  ASSERT_EQ(parent.child_count(), 2u);

  cancel_child();
  EXPECT_EQ(parent.child_count(), 1u);
  EXPECT_EQ(child.registered_under(), kNoContext);
  EXPECT_FALSE(contains(parent.registered_children(), child));
  EXPECT_TRUE(contains(parent.registered_children(), sibling));
  // The parent and the sibling are unaffected.
  EXPECT_FALSE(parent.done());
  EXPECT_FALSE(sibling.done());
  EXPECT_EQ(sibling.registered_under(), parent.id());
  cancel_parent();
}

TEST(Cancellation, CancellingChildRegisteredThroughValueRemovesItFromAncestorsSet) {
  auto [parent, cancel_parent] = with_cancel(background());
  const Context v = with_value(parent, kA, 1);
  auto [child, cancel_child] = with_cancel(v);
  ASSERT_EQ(parent.child_count(), 1u);
  cancel_child();
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_EQ(child.registered_under(), kNoContext);
  EXPECT_FALSE(v.done());
  cancel_parent();
}

TEST(Cancellation, CancellingParentCancelsAllDescendantsWithSameErrAndCause) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [c1, cancel1] = with_cancel(parent);
  auto [c2, cancel2] = with_timeout(parent, 1h);
  const Context v = with_value(c1, kA, 1);
  auto [grandchild, cancel_g] = with_cancel(v);
  auto [great, cancel_great] = with_cancel(grandchild);

  cancel_parent("shutdown");
  for (const Context* c : {&parent, &c1, &c2, &grandchild, &great}) {
    EXPECT_TRUE(c->done());
    EXPECT_EQ(c->err(), Err::Canceled);
    EXPECT_EQ(c->cause(), "shutdown");
    EXPECT_EQ(c->state(), ContextState::Cancelled);
    EXPECT_EQ(c->registered_under(), kNoContext);
    EXPECT_EQ(c->child_count(), 0u);
  }
  EXPECT_TRUE(v.done());
  EXPECT_EQ(v.err(), Err::Canceled);
  EXPECT_EQ(v.cause(), "shutdown");
}

TEST(Cancellation, CancellingParentEmptiesItsSet) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [c1, cancel1] = with_cancel(parent);
  auto [c2, cancel2] = with_cancel(parent);
  AfterFunc af = after_func(parent, [] {});
  ASSERT_EQ(parent.child_count(), 3u);
  cancel_parent();
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_TRUE(parent.registered_children().empty());
}

TEST(Cancellation, CancellingChildDoesNotCancelParent) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [child, cancel_child] = with_cancel(parent);
  cancel_child();
  EXPECT_TRUE(child.done());
  EXPECT_FALSE(parent.done());
  EXPECT_EQ(parent.err(), Err::None);
  cancel_parent();
}

TEST(Cancellation, CancelIsIdempotentAndKeepsFirstCause) {
  ManualClock clock;
  ScopedClock use(clock);
  auto [parent, cancel_parent] = with_cancel(background());
  auto [ctx, cancel] = with_cancel(parent);
  cancel("first");
  const auto ended = ctx.ended_at();
  ASSERT_TRUE(ended.has_value());
  clock.advance(5s);
  cancel("second");
  cancel();
  EXPECT_EQ(ctx.err(), Err::Canceled);
  EXPECT_EQ(ctx.cause(), "first");
  EXPECT_EQ(ctx.state(), ContextState::Cancelled);
  EXPECT_EQ(ctx.ended_at(), ended);
  EXPECT_EQ(parent.child_count(), 0u);
  cancel_parent("parent later");
  EXPECT_EQ(ctx.cause(), "first");
}

TEST(Cancellation, OwnCancelAfterParentCancelKeepsParentsCause) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [child, cancel_child] = with_cancel(parent);
  cancel_parent("from parent");
  cancel_child("from child");
  EXPECT_EQ(child.cause(), "from parent");
  EXPECT_EQ(child.err(), Err::Canceled);
}

TEST(Cancellation, ErrIsCanceledAndCauseDefaultsToErrText) {
  auto [ctx, cancel] = with_cancel(background());
  cancel();
  EXPECT_EQ(ctx.err(), Err::Canceled);
  EXPECT_EQ(ctx.cause(), "context canceled");
  EXPECT_EQ(go_error_text(Err::Canceled), "context canceled");
  EXPECT_EQ(go_error_text(Err::DeadlineExceeded), "context deadline exceeded");
  EXPECT_EQ(go_error_text(Err::None), "");
}

TEST(Cancellation, CauseIsTheCauseGivenToCancel) {
  auto [ctx, cancel] = with_cancel(background());
  cancel("client went away");
  EXPECT_EQ(ctx.err(), Err::Canceled);
  EXPECT_EQ(ctx.cause(), "client went away");
}

TEST(Cancellation, LiveContextHasNoErrNoCauseNoEnd) {
  auto [ctx, cancel] = with_cancel(background());
  EXPECT_FALSE(ctx.done());
  EXPECT_EQ(ctx.err(), Err::None);
  EXPECT_EQ(ctx.cause(), "");
  EXPECT_EQ(ctx.state(), ContextState::Live);
  EXPECT_FALSE(ctx.ended_at().has_value());
  cancel();
}

TEST(Cancellation, StateBecomesCancelledAndEndedAtIsSetOnce) {
  ManualClock clock;
  ScopedClock use(clock);
  auto [ctx, cancel] = with_cancel(background());
  clock.advance(3s);
  const TimePoint at = clock.now();
  cancel();
  EXPECT_EQ(ctx.state(), ContextState::Cancelled);
  ASSERT_TRUE(ctx.ended_at().has_value());
  EXPECT_EQ(*ctx.ended_at(), at);
  clock.advance(3s);
  EXPECT_EQ(*ctx.ended_at(), at);
}

TEST(Cancellation, ValueContextReportsItsAncestorsEnd) {
  auto [parent, cancel_parent] = with_cancel(background());
  const Context v = with_value(parent, kA, 1);
  EXPECT_TRUE(v.can_be_done());
  EXPECT_FALSE(v.done());
  EXPECT_EQ(v.state(), ContextState::Live);
  cancel_parent("bye");
  EXPECT_TRUE(v.done());
  EXPECT_EQ(v.err(), Err::Canceled);
  EXPECT_EQ(v.cause(), "bye");
  EXPECT_EQ(v.state(), ContextState::Cancelled);
}

TEST(Cancellation, CancelledDescendantsCanBeCancelledAgainHarmlessly) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [child, cancel_child] = with_cancel(parent);
  cancel_parent();
  cancel_child();
  cancel_parent();
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_EQ(child.registered_under(), kNoContext);
  EXPECT_EQ(child.err(), Err::Canceled);
}

TEST(Cancellation, OnlyCancelableKindsOwnAChildrenSet) {
  EXPECT_TRUE(is_cancelable(ContextKind::Cancel));
  EXPECT_TRUE(is_cancelable(ContextKind::Deadline));
  EXPECT_TRUE(is_cancelable(ContextKind::AfterFunc));
  EXPECT_FALSE(is_cancelable(ContextKind::Value));
  EXPECT_FALSE(is_cancelable(ContextKind::WithoutCancel));
  EXPECT_FALSE(is_cancelable(ContextKind::Background));
}

}  // namespace
