// Deadlines (Go's WithDeadline / WithTimeout / timerCtx), always under a ManualClock:
// time moves only when a test advances it, and advance() fires due timers before it
// returns, so every assertion right after advance() is deterministic.
#include <gtest/gtest.h>

#include <chrono>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::Ev;
using ctxheap_test::RecordingObserver;
using ctxheap_test::ScopedObserver;

const ValueKey<int> kA{"a"};

class Deadline : public ::testing::Test {
 protected:
  // Every deadline context a test creates must end before use_ is destroyed.
  ManualClock clock_;
  ScopedClock use_{clock_};
};

TEST_F(Deadline, ScopedClockInstallsTheManualClock) {
  EXPECT_EQ(now(), clock_.now());
  clock_.advance(2s);
  EXPECT_EQ(now(), clock_.now());
  const TimePoint t = clock_.now() + 1h;
  clock_.set(t);
  EXPECT_EQ(now(), t);
}

TEST_F(Deadline, WithDeadlineReportsItsDeadline) {
  const TimePoint d = clock_.now() + 10s;
  auto [ctx, cancel] = with_deadline(background(), d);
  EXPECT_EQ(ctx.kind(), ContextKind::Deadline);
  ASSERT_TRUE(ctx.deadline().has_value());
  EXPECT_EQ(*ctx.deadline(), d);
  cancel();
}

TEST_F(Deadline, WithTimeoutIsDeadlineNowPlusDuration) {
  clock_.advance(7s);
  const TimePoint start = clock_.now();
  auto [ctx, cancel] = with_timeout(background(), 250ms);
  ASSERT_TRUE(ctx.deadline().has_value());
  EXPECT_EQ(*ctx.deadline(), start + 250ms);
  clock_.advance(249ms);
  EXPECT_FALSE(ctx.done());
  clock_.advance(1ms);
  EXPECT_EQ(ctx.err(), Err::DeadlineExceeded);
  cancel();
}

TEST_F(Deadline, EffectiveDeadlineIsTheEarlierOfOwnAndParents) {
  const TimePoint t0 = clock_.now();
  auto [parent, cancel_parent] = with_deadline(background(), t0 + 5s);
  auto [later, cancel_later] = with_deadline(parent, t0 + 10s);
  auto [earlier, cancel_earlier] = with_deadline(parent, t0 + 1s);
  EXPECT_EQ(later.deadline(), t0 + 5s);
  EXPECT_EQ(earlier.deadline(), t0 + 1s);
  cancel_parent();
}

TEST_F(Deadline, DerivedContextsInheritTheDeadline) {
  const TimePoint d = clock_.now() + 5s;
  auto [parent, cancel_parent] = with_deadline(background(), d);
  const Context v = with_value(parent, kA, 1);
  auto [child, cancel_child] = with_cancel(v);
  EXPECT_EQ(v.deadline(), d);
  EXPECT_EQ(child.deadline(), d);
  EXPECT_FALSE(background().deadline().has_value());
  auto [plain, cancel_plain] = with_cancel(background());
  EXPECT_FALSE(plain.deadline().has_value());
  cancel_parent();
  cancel_plain();
}

TEST_F(Deadline, ChildExpiresWhenParentWithEarlierDeadlineDoes) {
  auto [parent, cancel_parent] = with_timeout(background(), 5s);
  auto [child, cancel_child] = with_timeout(parent, 10s);
  auto [plain, cancel_plain] = with_cancel(parent);
  clock_.advance(4999ms);
  EXPECT_FALSE(child.done());
  clock_.advance(1ms);
  for (const Context* c : {&parent, &child, &plain}) {
    EXPECT_TRUE(c->done());
    EXPECT_EQ(c->err(), Err::DeadlineExceeded);
    EXPECT_EQ(c->cause(), "context deadline exceeded");
    EXPECT_EQ(c->state(), ContextState::Expired);
  }
  EXPECT_EQ(parent.child_count(), 0u);
}

TEST_F(Deadline, ExpiryCancelsWithDeadlineExceededAndUnregisters) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [ctx, cancel] = with_timeout(parent, 1s);
  ASSERT_EQ(ctx.registered_under(), parent.id());
  ASSERT_EQ(parent.child_count(), 1u);

  clock_.advance(999ms);
  EXPECT_FALSE(ctx.done());
  EXPECT_EQ(parent.child_count(), 1u);

  clock_.advance(1ms);
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.err(), Err::DeadlineExceeded);
  EXPECT_EQ(ctx.cause(), "context deadline exceeded");
  EXPECT_EQ(ctx.state(), ContextState::Expired);
  ASSERT_TRUE(ctx.ended_at().has_value());
  EXPECT_EQ(*ctx.ended_at(), clock_.now());
  EXPECT_EQ(ctx.registered_under(), kNoContext);
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_FALSE(parent.done());
  cancel();
  EXPECT_EQ(ctx.err(), Err::DeadlineExceeded);
  cancel_parent();
}

TEST_F(Deadline, ExpiryCascadesToDescendants) {
  auto [ctx, cancel] = with_timeout(background(), 1s);
  const Context v = with_value(ctx, kA, 1);
  auto [grandchild, cancel_g] = with_cancel(v);
  clock_.advance(1s);
  EXPECT_EQ(grandchild.err(), Err::DeadlineExceeded);
  EXPECT_EQ(grandchild.state(), ContextState::Expired);
  EXPECT_EQ(grandchild.registered_under(), kNoContext);
  EXPECT_EQ(ctx.child_count(), 0u);
}

TEST_F(Deadline, AdvanceFiresEveryDueTimerBeforeReturning) {
  auto [a, cancel_a] = with_timeout(background(), 1s);
  auto [b, cancel_b] = with_timeout(background(), 2s);
  auto [c, cancel_c] = with_timeout(background(), 3s);
  clock_.advance(1s);
  EXPECT_TRUE(a.done());
  EXPECT_FALSE(b.done());
  clock_.advance(5s);  // jumps past both remaining deadlines
  EXPECT_TRUE(b.done());
  EXPECT_TRUE(c.done());
  EXPECT_EQ(c.err(), Err::DeadlineExceeded);
}

TEST_F(Deadline, AdvanceFiresDueTimersOnTheCallingThreadEvenRightAfterArming) {
  // Arming a timer wakes the runtime's timer thread; advance() must still be the one
  // that fires the timer, and must have finished firing it when it returns.
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  int not_done = 0, fired_elsewhere = 0;
  for (int i = 0; i < 20000; ++i) {
    auto [ctx, cancel] = with_timeout(background(), 1ms);
    clock_.advance(1ms);
    if (!ctx.done()) ++not_done;
    for (const auto& e : obs.events_for(ctx.id())) {
      if (e.type == Ev::Cancelled && e.thread != std::this_thread::get_id()) ++fired_elsewhere;
    }
    cancel();
    obs.clear();
  }
  EXPECT_EQ(not_done, 0) << "advance() returned before a due timer had fired";
  EXPECT_EQ(fired_elsewhere, 0) << "a due timer fired on another thread than advance()'s";
}

TEST_F(Deadline, DeadlineAlreadyPassedGivesContextDoneAtOnceAndNotRegistered) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [past, cancel_past] = with_deadline(parent, clock_.now() - 1s);
  auto [exact, cancel_exact] = with_deadline(parent, clock_.now());
  auto [zero, cancel_zero] = with_timeout(parent, 0s);
  auto [negative, cancel_negative] = with_timeout(parent, -5s);
  for (const Context* c : {&past, &exact, &zero, &negative}) {
    EXPECT_TRUE(c->done());
    EXPECT_EQ(c->err(), Err::DeadlineExceeded);
    EXPECT_EQ(c->state(), ContextState::Expired);
    EXPECT_EQ(c->registered_under(), kNoContext);
  }
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_FALSE(parent.done());
  cancel_parent();
}

TEST_F(Deadline, EarlyCancelReleasesTheTimer) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  ContextId id = kNoContext;
  {
    auto [ctx, cancel] = with_timeout(background(), 1h);
    id = ctx.id();
    cancel();
  }
  // Nothing but the pending timer could still hold the node.
  EXPECT_EQ(obs.count(Ev::Destroyed, id), 1);
}

TEST_F(Deadline, EarlyCancelIsNotOverriddenWhenTheDeadlinePasses) {
  auto [ctx, cancel] = with_timeout(background(), 1s);
  cancel("early");
  clock_.advance(2s);
  EXPECT_EQ(ctx.err(), Err::Canceled);
  EXPECT_EQ(ctx.cause(), "early");
  EXPECT_EQ(ctx.state(), ContextState::Cancelled);
}

TEST_F(Deadline, ParentCancelReleasesTheChildsTimer) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [parent, cancel_parent] = with_cancel(background());
  ContextId id = kNoContext;
  {
    auto [child, cancel_child] = with_timeout(parent, 1h);
    id = child.id();
    cancel_child();
    // cancel_child was called: nothing else holds the child but the timer.
  }
  EXPECT_EQ(obs.count(Ev::Destroyed, id), 1);

  ContextId id2 = kNoContext;
  {
    auto [child, cancel_child] = with_timeout(parent, 1h);
    id2 = child.id();
    // Handles dropped uncalled: the set and the timer keep it.
  }
  EXPECT_EQ(obs.count(Ev::Destroyed, id2), 0);
  cancel_parent();
  EXPECT_EQ(obs.count(Ev::Destroyed, id2), 1);
}

TEST_F(Deadline, ExpiryReleasesTheTimer) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  ContextId id = kNoContext;
  {
    auto [ctx, cancel] = with_timeout(background(), 1s);
    id = ctx.id();
    // Both handles dropped uncalled: as in Go, the pending timer keeps the context.
  }
  EXPECT_EQ(obs.count(Ev::Destroyed, id), 0);
  clock_.advance(1s);
  EXPECT_EQ(obs.count(Ev::Destroyed, id), 1);
}

}  // namespace
