// done(): poll, blocking wait, wait_for/wait_until, waiters(), and the std::stop_token
// bridge. Nothing here asserts a duration: waits are released by a cancel from another
// thread, and the tiny real timeouts only check the returned result.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stop_token>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::spin_until;

const ValueKey<int> kA{"a"};

TEST(Done, DonePollReflectsCancellation) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [ctx, cancel] = with_cancel(parent);
  EXPECT_TRUE(ctx.can_be_done());
  EXPECT_FALSE(ctx.done());
  cancel();
  EXPECT_TRUE(ctx.done());
  EXPECT_FALSE(parent.done());
  cancel_parent();
  EXPECT_TRUE(parent.done());
}

TEST(Done, WaitBlocksUntilCancelledFromAnotherThread) {
  auto [ctx, cancel] = with_cancel(background());
  const Context waited = ctx;
  std::atomic<bool> returned{false};
  std::thread waiter([&returned, waited] {
    waited.wait();
    returned = true;
  });
  // EXPECT, not ASSERT: the thread must be released and joined either way.
  EXPECT_TRUE(spin_until([&] { return waited.waiters() == 1; }));
  EXPECT_FALSE(returned.load());
  EXPECT_FALSE(ctx.done());
  cancel();
  waiter.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(ctx.waiters(), 0);
}

TEST(Done, WaitOnValueContextReturnsWhenAncestorIsCancelled) {
  auto [parent, cancel] = with_cancel(background());
  const Context v = with_value(parent, kA, 1);
  ASSERT_TRUE(v.can_be_done());  // otherwise wait() below would block forever
  std::atomic<bool> returned{false};
  std::thread waiter([&returned, v] {
    v.wait();
    returned = true;
  });
  cancel();
  waiter.join();
  EXPECT_TRUE(returned.load());
}

TEST(Done, WaitReturnsAtOnceWhenAlreadyDone) {
  auto [ctx, cancel] = with_cancel(background());
  cancel();
  ctx.wait();
  EXPECT_TRUE(ctx.wait_for(0s));
  EXPECT_TRUE(ctx.wait_for(1ms));
  EXPECT_TRUE(ctx.wait_until(SteadyClock::now() - 1s));
}

TEST(Done, WaitForReturnsFalseWhenNotCancelled) {
  auto [ctx, cancel] = with_cancel(background());
  EXPECT_FALSE(ctx.wait_for(1ms));
  EXPECT_FALSE(ctx.wait_for(0s));
  EXPECT_FALSE(ctx.wait_until(SteadyClock::now() + 1ms));
  EXPECT_FALSE(background().wait_for(1ms));
  EXPECT_FALSE(without_cancel(ctx).wait_for(1ms));
  EXPECT_EQ(ctx.waiters(), 0);
  cancel();
}

TEST(Done, WaitForReturnsTrueWhenCancelledWhileWaiting) {
  auto [ctx, cancel] = with_cancel(background());
  const Context waited = ctx;
  std::atomic<int> result{-1};
  std::thread waiter([&result, waited] { result = waited.wait_for(1h) ? 1 : 0; });
  EXPECT_TRUE(spin_until([&] { return waited.waiters() == 1; }));
  cancel();
  waiter.join();
  EXPECT_EQ(result.load(), 1);
}

TEST(Done, WaitersCountsBlockedWaiters) {
  constexpr int kWaiters = 4;
  auto [ctx, cancel] = with_cancel(background());
  const Context waited = ctx;
  EXPECT_EQ(ctx.waiters(), 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([waited, i] {
      if (i % 2 == 0) waited.wait();
      else (void)waited.wait_for(1h);
    });
  }
  EXPECT_TRUE(spin_until([&] { return waited.waiters() == kWaiters; }))
      << "waiters() = " << waited.waiters();
  EXPECT_FALSE(ctx.done());
  cancel();
  for (auto& t : threads) t.join();
  EXPECT_EQ(ctx.waiters(), 0);
}

TEST(Done, StopTokenIsRequestedAfterCancel) {
  auto [ctx, cancel] = with_cancel(background());
  const std::stop_token tok = ctx.stop_token();
  EXPECT_TRUE(tok.stop_possible());
  EXPECT_FALSE(tok.stop_requested());
  cancel();
  EXPECT_TRUE(tok.stop_requested());
  EXPECT_TRUE(ctx.stop_token().stop_requested());
}

TEST(Done, StopCallbackRunsOnCancel) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [ctx, cancel] = with_cancel(parent);
  std::atomic<int> runs{0};
  std::stop_callback cb(ctx.stop_token(), [&runs] { ++runs; });
  EXPECT_EQ(runs.load(), 0);
  cancel_parent();  // reaches ctx through the cascade
  ASSERT_TRUE(spin_until([&] { return runs.load() == 1; }));
  cancel();
  EXPECT_EQ(runs.load(), 1);
}

TEST(Done, StopCallbackRegisteredAfterCancelRunsAtOnce) {
  auto [ctx, cancel] = with_cancel(background());
  cancel();
  bool ran = false;
  std::stop_callback cb(ctx.stop_token(), [&ran] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(Done, StopCallbackMayUseTheRuntime) {
  // No runtime lock is held while a stop_callback runs, for an own cancel or a cascade.
  auto [parent, cancel_parent] = with_cancel(background());
  auto [own, cancel_own] = with_cancel(parent);
  auto [cascaded, cancel_cascaded] = with_cancel(parent);
  const Context p = parent;
  std::atomic<int> runs{0};
  std::stop_callback on_own(own.stop_token(), [&p, &runs] {
    (void)p.child_count();  // `own` may still be in the set: Go marks done, then removes
    auto [tmp, cancel_tmp] = with_cancel(p);
    cancel_tmp("from a stop_callback");
    ++runs;
  });
  std::stop_callback on_cascade(cascaded.stop_token(), [&p, &runs] {
    (void)p.child_count();
    (void)p.registered_children();
    auto [tmp, cancel_tmp] = with_cancel(p);  // the parent is done: done at once
    ++runs;
  });
  cancel_own();
  EXPECT_TRUE(spin_until([&] { return runs.load() == 1; }));
  EXPECT_EQ(parent.child_count(), 1u);  // only `cascaded` is left in the set
  cancel_parent();
  EXPECT_TRUE(spin_until([&] { return runs.load() == 2; }));
  EXPECT_EQ(parent.child_count(), 0u);
}

TEST(Done, StopTokenOfValueContextFollowsItsAncestor) {
  auto [parent, cancel] = with_cancel(background());
  const Context v = with_value(parent, kA, 1);
  const std::stop_token tok = v.stop_token();
  EXPECT_TRUE(tok.stop_possible());
  EXPECT_FALSE(tok.stop_requested());
  cancel();
  EXPECT_TRUE(tok.stop_requested());
}

TEST(Done, StopTokenOfNeverDoneContextIsNotStopPossible) {
  auto [parent, cancel] = with_cancel(background());
  EXPECT_FALSE(background().stop_token().stop_possible());
  EXPECT_FALSE(todo().stop_token().stop_possible());
  EXPECT_FALSE(without_cancel(parent).stop_token().stop_possible());
  EXPECT_FALSE(with_value(background(), kA, 1).stop_token().stop_possible());
  cancel();
}

TEST(Done, NeverDoneContextsCannotBeDone) {
  auto [parent, cancel] = with_cancel(background());
  EXPECT_FALSE(background().can_be_done());
  EXPECT_FALSE(todo().can_be_done());
  EXPECT_FALSE(without_cancel(parent).can_be_done());
  EXPECT_FALSE(with_value(background(), kA, 1).can_be_done());
  EXPECT_TRUE(with_value(parent, kA, 1).can_be_done());
  cancel();
}

}  // namespace
