// Bridges to other cancellation trees: SharedCancel where a copyable callable is needed,
// contexts mirroring a std::stop_token and an Asio cancellation slot.
#include <gtest/gtest.h>

#include <asio/cancellation_signal.hpp>
#include <functional>
#include <stop_token>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "ctxheap/context/asio.hpp"
#include "ctxheap/context/bridge.hpp"

namespace {

TEST(SharedCancel, FitsStdFunctionAndTheFirstCallOfAnyCopyCancels) {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "shared");
  ctxheap::SharedCancel shared = ctxheap::share(std::move(cancel));
  std::function<void()> a = shared;
  std::function<void()> b = shared;
  EXPECT_TRUE(shared);
  EXPECT_FALSE(ctx.done());
  a();
  EXPECT_TRUE(ctx.done());
  EXPECT_FALSE(shared);
  b();  // idempotent
  EXPECT_FALSE(ctx.cancel_dropped());
}

TEST(SharedCancel, ConcurrentCallsCancelOnce) {
  auto [parent, stop] = ctxheap::with_cancel(ctxheap::background(), "parent");
  auto [ctx, cancel] = ctxheap::with_cancel(parent, "child");
  ctxheap::SharedCancel shared(std::move(cancel));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([shared] { shared("by a thread"); });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.cause(), "by a thread");
  EXPECT_EQ(parent.child_count(), 0u);
  stop();
}

TEST(SharedCancel, DroppingTheLastCopyUncalledIsACancelDroppedAndLeavesTheChildRegistered) {
  auto [parent, stop] = ctxheap::with_cancel(ctxheap::background(), "parent");
  ctxheap::Context child;
  {
    auto [ctx, cancel] = ctxheap::with_cancel(parent, "forgotten");
    child = ctx;
    std::function<void()> kept = ctxheap::share(std::move(cancel));
    std::function<void()> copy = kept;
    EXPECT_FALSE(child.cancel_dropped());
  }
  EXPECT_TRUE(child.cancel_dropped());
  EXPECT_FALSE(child.done());
  EXPECT_EQ(parent.child_count(), 1u);
  stop();
}

TEST(Mirror, StopTokenRequestCancelsTheMirroredContextAndItsChildren) {
  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  std::stop_source source;
  ctxheap::Mirror m = ctxheap::mirror(server, source.get_token(), "job");
  auto [child, cancel_child] = ctxheap::with_cancel(m.ctx(), "step");
  EXPECT_EQ(m.ctx().parent_id(), server.id());
  EXPECT_EQ(m.ctx().name(), "job");
  EXPECT_FALSE(m.ctx().done());
  source.request_stop();
  EXPECT_TRUE(m.ctx().done());
  EXPECT_EQ(m.ctx().cause(), "stop requested");
  EXPECT_TRUE(child.done());
  EXPECT_EQ(server.child_count(), 0u);
  cancel_child();
  stop_server();
}

TEST(Mirror, AnAlreadyStoppedTokenGivesADoneContext) {
  std::stop_source source;
  source.request_stop();
  ctxheap::Mirror m = ctxheap::mirror(ctxheap::background(), source.get_token(), "late");
  EXPECT_TRUE(m.ctx().done());
}

TEST(Mirror, EndingTheMirrorCancelsItsContextAndUnsubscribes) {
  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  std::stop_source source;
  ctxheap::Context ctx;
  {
    ctxheap::Mirror m = ctxheap::mirror(server, source.get_token(), "scoped");
    ctx = m.ctx();
    EXPECT_EQ(server.child_count(), 1u);
  }
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.cause(), "mirror ended");
  EXPECT_EQ(server.child_count(), 0u);
  source.request_stop();  // nothing subscribed any more
  EXPECT_EQ(ctx.cause(), "mirror ended");
  stop_server();
}

TEST(Mirror, AsioCancellationSignalCancelsTheMirroredContext) {
  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  asio::cancellation_signal signal;
  ctxheap::Mirror m = ctxheap::mirror(server, signal.slot(), "read");
  auto [step, cancel_step] = ctxheap::with_cancel(m.ctx(), "parse");
  EXPECT_TRUE(signal.slot().has_handler());
  EXPECT_FALSE(m.ctx().done());
  signal.emit(asio::cancellation_type::terminal);
  EXPECT_TRUE(m.ctx().done());
  EXPECT_EQ(m.ctx().cause(), "asio cancellation");
  EXPECT_TRUE(step.done());
  EXPECT_EQ(server.child_count(), 0u);
  cancel_step();
  stop_server();
}

TEST(Mirror, AsioSignalNeverEmittedLeavesTheContextLiveUntilTheMirrorEnds) {
  asio::cancellation_signal signal;
  ctxheap::Context ctx;
  {
    ctxheap::Mirror m = ctxheap::mirror(ctxheap::background(), signal.slot(), "idle");
    ctx = m.ctx();
    EXPECT_FALSE(ctx.done());
  }
  EXPECT_TRUE(ctx.done());
  signal.emit(asio::cancellation_type::total);  // harmless after the mirror ended
}

}  // namespace
