// CancelFunc and ScopedCancel: move-only, calling cancels, dropping uncalled does NOT
// cancel but records a dropped cancel (the leak ctxheap diagnoses).
#include <gtest/gtest.h>

#include <chrono>
#include <type_traits>
#include <utility>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::Ev;
using ctxheap_test::RecordingObserver;
using ctxheap_test::ScopedObserver;

static_assert(!std::is_copy_constructible_v<CancelFunc>);
static_assert(!std::is_copy_assignable_v<CancelFunc>);
static_assert(std::is_nothrow_move_constructible_v<CancelFunc>);
static_assert(std::is_nothrow_move_assignable_v<CancelFunc>);
static_assert(!std::is_copy_constructible_v<ScopedCancel>);
static_assert(!std::is_copy_constructible_v<AfterFunc>);
static_assert(!std::is_copy_assignable_v<AfterFunc>);
static_assert(!std::is_copy_constructible_v<CancelableContext>);

TEST(CancelFunc, CancelFuncIsMoveOnly) {
  auto [ctx, cancel] = with_cancel(background());
  CancelFunc moved = std::move(cancel);
  EXPECT_FALSE(static_cast<bool>(cancel));  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(static_cast<bool>(moved));
  CancelFunc assigned;
  EXPECT_FALSE(static_cast<bool>(assigned));
  assigned = std::move(moved);
  EXPECT_TRUE(static_cast<bool>(assigned));
  EXPECT_FALSE(ctx.done());
  assigned();
  EXPECT_TRUE(ctx.done());
}

TEST(CancelFunc, CallingCancelFuncCancels) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [ctx, cancel] = with_cancel(parent);
  EXPECT_TRUE(static_cast<bool>(cancel));
  cancel();
  EXPECT_FALSE(static_cast<bool>(cancel));
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.err(), Err::Canceled);
  EXPECT_EQ(parent.child_count(), 0u);
  cancel_parent();
}

TEST(CancelFunc, CancelFuncIsIdempotent) {
  auto [ctx, cancel] = with_cancel(background());
  cancel("once");
  cancel("twice");
  cancel();
  EXPECT_EQ(ctx.err(), Err::Canceled);
  EXPECT_EQ(ctx.cause(), "once");
}

TEST(CancelFunc, DroppedCancelFuncDoesNotCancel) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [parent, cancel_parent] = with_cancel(background());
  Context ctx;
  {
    auto [child, cancel_child] = with_cancel(parent);
    ctx = child;
    EXPECT_FALSE(ctx.cancel_dropped());
  }
  EXPECT_FALSE(ctx.done());
  EXPECT_EQ(ctx.state(), ContextState::Live);
  EXPECT_EQ(ctx.registered_under(), parent.id());
  EXPECT_EQ(parent.child_count(), 1u);
  EXPECT_TRUE(ctx.cancel_dropped());
  EXPECT_EQ(obs.count(Ev::CancelDropped, ctx.id()), 1);
  EXPECT_EQ(obs.count(Ev::Cancelled, ctx.id()), 0);

  cancel_parent();
  EXPECT_TRUE(ctx.done());
  EXPECT_TRUE(ctx.cancel_dropped());  // the record stays
  EXPECT_EQ(obs.count(Ev::CancelDropped, ctx.id()), 1);
}

TEST(CancelFunc, DroppedCancelOfTimeoutStillExpiresAtDeadline) {
  ManualClock clock;
  ScopedClock use(clock);
  auto [parent, cancel_parent] = with_cancel(background());
  Context ctx;
  {
    auto [child, cancel_child] = with_timeout(parent, 1s);
    ctx = child;
  }
  EXPECT_TRUE(ctx.cancel_dropped());
  EXPECT_FALSE(ctx.done());
  clock.advance(1s);
  EXPECT_EQ(ctx.err(), Err::DeadlineExceeded);
  EXPECT_EQ(parent.child_count(), 0u);
  cancel_parent();
}

TEST(CancelFunc, CalledCancelFuncReportsNoDrop) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  Context ctx;
  {
    auto [child, cancel_child] = with_cancel(background());
    ctx = child;
    cancel_child();
  }
  EXPECT_FALSE(ctx.cancel_dropped());
  EXPECT_EQ(obs.count(Ev::CancelDropped, ctx.id()), 0);
}

TEST(CancelFunc, MovedFromCancelFuncEmitsNothing) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [ctx, cancel] = with_cancel(background());
  {
    CancelFunc keeper = std::move(cancel);
    {
      CancelFunc second = std::move(keeper);
      keeper = std::move(second);  // `second` is now moved-from and dies here
    }
    EXPECT_EQ(obs.count(Ev::CancelDropped, ctx.id()), 0);
    EXPECT_FALSE(ctx.cancel_dropped());
  }  // keeper dies uncalled: exactly one drop
  EXPECT_EQ(obs.count(Ev::CancelDropped, ctx.id()), 1);
  EXPECT_TRUE(ctx.cancel_dropped());
  EXPECT_FALSE(ctx.done());
  { CancelFunc gone = std::move(cancel); }  // the structured binding itself: moved-from
  EXPECT_EQ(obs.count(Ev::CancelDropped, ctx.id()), 1);
}

TEST(CancelFunc, MoveAssignmentDropsTheOverwrittenCancelUncalled) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [a, cancel_a] = with_cancel(background());
  auto [b, cancel_b] = with_cancel(background());
  cancel_a = std::move(cancel_b);  // a's cancel is destroyed uncalled
  EXPECT_FALSE(a.done());
  EXPECT_TRUE(a.cancel_dropped());
  EXPECT_EQ(obs.count(Ev::CancelDropped, a.id()), 1);
  cancel_a();
  EXPECT_TRUE(b.done());
}

TEST(CancelFunc, DefaultConstructedCancelFuncIsANoOp) {
  CancelFunc none;
  EXPECT_FALSE(static_cast<bool>(none));
  none();
  none("cause");
}

TEST(CancelFunc, ScopedCancelCancelsAtScopeExit) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [parent, cancel_parent] = with_cancel(background());
  Context ctx;
  {
    auto [child, cancel_child] = with_cancel(parent);
    ctx = child;
    ScopedCancel guard(std::move(cancel_child));
    EXPECT_FALSE(ctx.done());
  }
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.err(), Err::Canceled);
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_FALSE(ctx.cancel_dropped());
  EXPECT_EQ(obs.count(Ev::CancelDropped, ctx.id()), 0);
  cancel_parent();
}

TEST(CancelFunc, ScopedCancelCanCancelEarly) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [ctx, cancel] = with_cancel(parent);
  {
    ScopedCancel guard(std::move(cancel));
    guard.cancel();
    EXPECT_TRUE(ctx.done());
    EXPECT_EQ(parent.child_count(), 0u);
  }
  EXPECT_TRUE(ctx.done());
  cancel_parent();
}

}  // namespace
