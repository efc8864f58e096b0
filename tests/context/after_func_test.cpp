// after_func (Go's context.AfterFunc): runs once, on a runtime thread, after the
// context is done; stop() semantics; registration in the nearest cancelable ancestor.
// Waiting for the callback uses futures with a generous limit: that is synchronisation,
// not a timed assertion.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::kGenerous;

const ValueKey<int> kA{"a"};

/// Waits until an after_func registered now on an already-done context has run. Callbacks
/// that were due before it have then normally run too; used before asserting that a
/// callback did NOT run.
void drain_callbacks() {
  auto [done_ctx, cancel] = with_cancel(background());
  cancel();
  std::promise<void> ran;
  auto fut = ran.get_future();
  AfterFunc af = after_func(done_ctx, [&ran] { ran.set_value(); });
  ASSERT_EQ(fut.wait_for(kGenerous), std::future_status::ready);
}

TEST(AfterFunc, RunsExactlyOnceAfterDoneOnAnotherThread) {
  auto [parent, cancel] = with_cancel(background());
  std::atomic<int> runs{0};
  std::promise<std::thread::id> ran;
  auto fut = ran.get_future();
  AfterFunc af = after_func(parent, [&runs, &ran] {
    if (runs.fetch_add(1) == 0) ran.set_value(std::this_thread::get_id());
  });
  EXPECT_EQ(runs.load(), 0);
  EXPECT_FALSE(parent.done());

  cancel();
  ASSERT_EQ(fut.wait_for(kGenerous), std::future_status::ready);
  EXPECT_NE(fut.get(), std::this_thread::get_id());
  cancel();
  cancel("again");
  drain_callbacks();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_FALSE(af.stop());  // already started
  EXPECT_EQ(parent.child_count(), 0u);
}

TEST(AfterFunc, StopBeforeCancelReturnsTrueAndFunctionNeverRuns) {
  auto [parent, cancel] = with_cancel(background());
  std::atomic<bool> ran{false};
  AfterFunc af = after_func(parent, [&ran] { ran = true; });
  ASSERT_EQ(parent.child_count(), 1u);
  EXPECT_TRUE(af.stop());
  EXPECT_EQ(parent.child_count(), 0u);  // stop() unregisters
  EXPECT_FALSE(af.stop());              // second stop: already stopped
  cancel();
  drain_callbacks();
  EXPECT_FALSE(ran.load());
}

TEST(AfterFunc, StopAfterFunctionStartedReturnsFalse) {
  auto [parent, cancel] = with_cancel(background());
  std::promise<void> started, finished, release;
  auto started_f = started.get_future();
  auto finished_f = finished.get_future();
  std::shared_future<void> release_f = release.get_future().share();
  AfterFunc af = after_func(parent, [&started, &finished, release_f] {
    started.set_value();
    // Bounded, so that a runtime running callbacks inline fails instead of hanging.
    (void)release_f.wait_for(kGenerous);
    finished.set_value();
  });
  cancel();
  ASSERT_EQ(started_f.wait_for(kGenerous), std::future_status::ready);
  EXPECT_FALSE(af.stop());
  release.set_value();
  ASSERT_EQ(finished_f.wait_for(kGenerous), std::future_status::ready);
}

TEST(AfterFunc, AfterFuncOnNeverDoneContextIsRegisteredNowhereAndNeverRuns) {
  std::atomic<int> runs{0};
  AfterFunc on_bg = after_func(background(), [&runs] { ++runs; });
  EXPECT_EQ(background().child_count(), 0u);

  auto [parent, cancel] = with_cancel(background());
  const Context w = without_cancel(parent);
  AfterFunc on_w = after_func(w, [&runs] { ++runs; });
  AfterFunc on_wv = after_func(with_value(w, kA, 1), [&runs] { ++runs; });
  EXPECT_EQ(parent.child_count(), 0u);

  cancel();
  drain_callbacks();
  EXPECT_EQ(runs.load(), 0);
  // Go: stop() on a registration that never ran reports that it prevented the run.
  EXPECT_TRUE(on_bg.stop());
  EXPECT_TRUE(on_w.stop());
  EXPECT_TRUE(on_wv.stop());
}

TEST(AfterFunc, AfterFuncOnAlreadyDoneContextRunsFunction) {
  auto [parent, cancel] = with_cancel(background());
  cancel();
  std::promise<std::thread::id> ran;
  auto fut = ran.get_future();
  AfterFunc af = after_func(parent, [&ran] { ran.set_value(std::this_thread::get_id()); });
  ASSERT_EQ(fut.wait_for(kGenerous), std::future_status::ready);
  EXPECT_NE(fut.get(), std::this_thread::get_id());
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_FALSE(af.stop());
}

TEST(AfterFunc, AfterFuncRegistrationCountsInParentsChildCount) {
  auto [parent, cancel] = with_cancel(background());
  AfterFunc a1 = after_func(parent, [] {});
  EXPECT_EQ(parent.child_count(), 1u);
  AfterFunc a2 = after_func(with_value(parent, kA, 1), [] {});
  EXPECT_EQ(parent.child_count(), 2u);
  auto [child, cancel_child] = with_cancel(parent);
  EXPECT_EQ(parent.child_count(), 3u);
  // Registered under the nearest cancelable ancestor-or-self.
  AfterFunc a3 = after_func(child, [] {});
  EXPECT_EQ(child.child_count(), 1u);
  EXPECT_EQ(parent.child_count(), 3u);
  cancel();
  EXPECT_EQ(parent.child_count(), 0u);
  EXPECT_EQ(child.child_count(), 0u);
}

TEST(AfterFunc, DroppingTheHandleDoesNotStopTheRegistration) {
  auto [parent, cancel] = with_cancel(background());
  std::promise<void> ran;
  auto fut = ran.get_future();
  { AfterFunc af = after_func(parent, [&ran] { ran.set_value(); }); }
  EXPECT_EQ(parent.child_count(), 1u);
  cancel();
  ASSERT_EQ(fut.wait_for(kGenerous), std::future_status::ready);
}

TEST(AfterFunc, RunsOnExpiryOnAnotherThreadThanTheOneAdvancingTheClock) {
  ManualClock clock;
  ScopedClock use(clock);
  auto [ctx, cancel] = with_timeout(background(), 1s);
  std::promise<std::thread::id> ran;
  auto fut = ran.get_future();
  AfterFunc af = after_func(ctx, [&ran] { ran.set_value(std::this_thread::get_id()); });
  clock.advance(1s);
  ASSERT_EQ(fut.wait_for(kGenerous), std::future_status::ready);
  EXPECT_NE(fut.get(), std::this_thread::get_id());
  EXPECT_EQ(ctx.err(), Err::DeadlineExceeded);
}

TEST(AfterFunc, CallbackMayUseTheRuntime) {
  // No runtime lock is held while the callback runs: it can create, cancel and query.
  auto [parent, cancel] = with_cancel(background());
  auto [outer, cancel_outer] = with_cancel(background());
  std::promise<std::size_t> ran;
  auto fut = ran.get_future();
  const Context parent_copy = parent;
  const Context outer_copy = outer;
  // Captured by reference: the test outlives every use, and the runner thread then
  // holds no context after the callback returns.
  AfterFunc af = after_func(parent, [&ran, &parent_copy, &outer_copy] {
    auto [c, cancel_c] = with_cancel(outer_copy);
    const std::size_t n = outer_copy.child_count();
    cancel_c();
    (void)parent_copy.child_count();
    ran.set_value(n);
  });
  cancel();
  ASSERT_EQ(fut.wait_for(kGenerous), std::future_status::ready);
  EXPECT_EQ(fut.get(), 1u);
  EXPECT_EQ(outer.child_count(), 0u);
  cancel_outer();
}

}  // namespace
