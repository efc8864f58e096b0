// Contexts carried across threads: bind, the std::thread / std::jthread / std::async
// helpers, the executor adaptor on Asio's thread_pool (post and Asio coroutines), and
// ctxheap::Task coroutines resumed on another thread. Each test asks the worker which
// context is current there; tests/collector/threads_test.cpp checks the bytes.
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <coroutine>
#include <future>
#include <optional>
#include <thread>

#include "ctxheap/context/all.hpp"
#include "ctxheap/context/bind.hpp"
#include "ctxheap/context/asio.hpp"
#include "ctxheap/context/executor.hpp"
#include "ctxheap/context/task.hpp"
#include "ctxheap/context/threads.hpp"

namespace {

ctxheap::CancelableContext request(const char* name) {
  return ctxheap::with_cancel(ctxheap::background(), name);
}

/// What a worker sees: the id allocations would be charged to right now.
ctxheap::ContextId charged_here() { return ctxheap::current_charge_id(); }

TEST(Bind, RunsTheCallableWithTheContextCurrentOnAnotherThread) {
  auto [ctx, cancel] = request("bound");
  ctxheap::ContextId seen = ctxheap::kNoContext;
  std::thread(ctxheap::bind(ctx, [&] { seen = charged_here(); })).join();
  EXPECT_EQ(seen, ctx.id());
}

TEST(Bind, RestoresTheCallingThreadsOwnContextAfterwards) {
  auto [mine, c1] = request("worker-own");
  auto [other, c2] = request("bound");
  ctxheap::CurrentScope scope(mine);
  auto f = ctxheap::bind(other, [] { return charged_here(); });
  EXPECT_EQ(f(), other.id());
  EXPECT_EQ(charged_here(), mine.id());
}

TEST(Bind, BindCurrentWithNoCurrentContextLeavesTheWorkerUncharged) {
  ctxheap::ContextId seen = 1;
  auto f = ctxheap::bind_current([&] { seen = charged_here(); });
  EXPECT_FALSE(f.context().has_value());
  std::thread(std::move(f)).join();
  EXPECT_EQ(seen, ctxheap::kNoContext);
}

TEST(Bind, IsCopyableAndForwardsArgumentsAndResult) {
  auto [ctx, cancel] = request("args");
  auto f = ctxheap::bind(ctx, [](int a, int b) { return a + b; });
  std::function<int(int, int)> g = f;
  EXPECT_EQ(g(2, 3), 5);
}

TEST(Threads, PlainStdThreadRunsUnderNoContext) {
  // The problem bind solves: a context is current per thread.
  auto [ctx, cancel] = request("not-carried");
  ctxheap::CurrentScope scope(ctx);
  ctxheap::ContextId seen = 1;
  std::thread([&] { seen = charged_here(); }).join();
  EXPECT_EQ(seen, ctxheap::kNoContext);
}

TEST(Threads, StartThreadCarriesTheCallersContext) {
  auto [ctx, cancel] = request("thread");
  ctxheap::CurrentScope scope(ctx);
  ctxheap::ContextId seen = ctxheap::kNoContext;
  int got = 0;
  ctxheap::start_thread([&](int v) { seen = charged_here(); got = v; }, 7).join();
  EXPECT_EQ(seen, ctx.id());
  EXPECT_EQ(got, 7);
}

TEST(Threads, StartJthreadPassesItsStopTokenAndCarriesTheContext) {
  auto [ctx, cancel] = request("jthread");
  std::optional<ctxheap::CurrentScope> scope(std::in_place, ctx);
  std::promise<ctxheap::ContextId> seen;
  std::atomic<bool> stopped{false};
  {
    auto t = ctxheap::start_jthread([&](std::stop_token st) {
      seen.set_value(charged_here());
      while (!st.stop_requested()) std::this_thread::yield();
      stopped = true;
    });
    scope.reset();
    EXPECT_EQ(seen.get_future().get(), ctx.id());
  }  // ~jthread requests stop and joins
  EXPECT_TRUE(stopped);
}

TEST(Threads, AsyncCarriesTheContextForBothLaunchPolicies) {
  auto [ctx, cancel] = request("async");
  ctxheap::CurrentScope scope(ctx);
  auto a = ctxheap::async(std::launch::async, [] { return charged_here(); });
  auto d = ctxheap::async(std::launch::deferred, [] { return charged_here(); });
  EXPECT_EQ(a.get(), ctx.id());
  EXPECT_EQ(d.get(), ctx.id());
}

TEST(Executor, PostThroughTheAdaptorRunsUnderItsContextOnAPoolThread) {
  auto [ctx, cancel] = request("pool");
  asio::thread_pool pool(2);
  ctxheap::ContextExecutor ex(pool.get_executor(), ctx);
  std::promise<std::pair<ctxheap::ContextId, std::thread::id>> seen;
  asio::post(ex, [&] { seen.set_value({charged_here(), std::this_thread::get_id()}); });
  const auto [id, thread] = seen.get_future().get();
  EXPECT_EQ(id, ctx.id());
  EXPECT_NE(thread, std::this_thread::get_id());
  pool.join();
}

TEST(Executor, PostOfBindCurrentCarriesThePostersContext) {
  auto [ctx, cancel] = request("posted");
  asio::thread_pool pool(1);
  std::promise<ctxheap::ContextId> seen;
  {
    ctxheap::CurrentScope scope(ctx);
    asio::post(pool, ctxheap::bind_current([&] { seen.set_value(charged_here()); }));
  }
  EXPECT_EQ(seen.get_future().get(), ctx.id());
  pool.join();
}

TEST(Executor, AsioCoroutineSpawnedOnTheAdaptorResumesUnderItsContext) {
  auto [ctx, cancel] = request("asio-coroutine");
  asio::thread_pool pool(2);
  ctxheap::ContextExecutor ex(pool.get_executor(), ctx);
  std::promise<std::pair<ctxheap::ContextId, ctxheap::ContextId>> seen;
  asio::co_spawn(
      ex,
      [&]() -> asio::awaitable<void> {
        const auto before = charged_here();
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
        co_await timer.async_wait(asio::use_awaitable);
        seen.set_value({before, charged_here()});
      },
      asio::detached);
  const auto [before, after] = seen.get_future().get();
  EXPECT_EQ(before, ctx.id());
  EXPECT_EQ(after, ctx.id());
  pool.join();
}

/// An awaitable that resumes the coroutine on a pool thread.
struct ResumeOn {
  asio::thread_pool& pool;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { asio::post(pool, [h] { h.resume(); }); }
  std::thread::id await_resume() const noexcept { return std::this_thread::get_id(); }
};

ctxheap::Task<std::pair<ctxheap::ContextId, std::thread::id>> hop(asio::thread_pool& pool) {
  const std::thread::id there = co_await ResumeOn{pool};
  co_return std::pair{charged_here(), there};
}

TEST(Task, ResumedOnAnotherThreadRunsUnderTheContextItWasCreatedUnder) {
  auto [ctx, cancel] = request("task");
  asio::thread_pool pool(1);
  std::optional<ctxheap::Task<std::pair<ctxheap::ContextId, std::thread::id>>> task;
  {
    ctxheap::CurrentScope scope(ctx);
    task.emplace(hop(pool));
  }
  EXPECT_EQ(charged_here(), ctxheap::kNoContext);
  const auto [id, thread] = sync_wait(std::move(*task));
  EXPECT_EQ(id, ctx.id());
  EXPECT_NE(thread, std::this_thread::get_id());
  EXPECT_EQ(charged_here(), ctxheap::kNoContext);
  pool.join();
}

ctxheap::Task<ctxheap::ContextId> under(ctxheap::Context ctx, asio::thread_pool& pool) {
  (void)ctx;  // the task's context
  co_await ResumeOn{pool};
  co_return charged_here();
}

ctxheap::Task<std::pair<ctxheap::ContextId, ctxheap::ContextId>> outer(ctxheap::Context inner_ctx,
                                                                      asio::thread_pool& pool) {
  const auto inner = co_await under(std::move(inner_ctx), pool);
  co_await ResumeOn{pool};
  co_return std::pair{inner, charged_here()};
}

TEST(Task, TakesItsContextFromItsContextParameterRatherThanTheCallers) {
  auto [outer_ctx, c1] = request("outer");
  auto [inner_ctx, c2] = request("inner");
  asio::thread_pool pool(2);
  ctxheap::Task<std::pair<ctxheap::ContextId, ctxheap::ContextId>> task = [&] {
    ctxheap::CurrentScope scope(outer_ctx);  // outer's first Context parameter is inner_ctx
    return outer(inner_ctx, pool);           // so outer runs under inner_ctx too
  }();
  const auto [inner, after] = sync_wait(std::move(task));
  EXPECT_EQ(inner, inner_ctx.id());
  EXPECT_EQ(after, inner_ctx.id());
  pool.join();
}

ctxheap::Task<ctxheap::ContextId> child_task(asio::thread_pool& pool) {
  co_await ResumeOn{pool};
  co_return charged_here();
}

// `other` by pointer: not a Context parameter, so the task takes the caller's context.
ctxheap::Task<std::pair<ctxheap::ContextId, ctxheap::ContextId>> parent_task(asio::thread_pool& pool,
                                                                           const ctxheap::Context* other) {
  std::optional<ctxheap::Task<ctxheap::ContextId>> child;
  {
    ctxheap::CurrentScope scope(*other);  // the child is created under `other`
    child.emplace(child_task(pool));
  }
  const auto in_child = co_await std::move(*child);
  co_return std::pair{in_child, charged_here()};
}

TEST(Task, AnAwaitedTaskRunsUnderItsOwnContextAndTheAwaiterGetsItsBack) {
  auto [mine, c1] = request("parent");
  auto [other, c2] = request("child");
  asio::thread_pool pool(2);
  ctxheap::Task<std::pair<ctxheap::ContextId, ctxheap::ContextId>> task = [&] {
    ctxheap::CurrentScope scope(mine);
    return parent_task(pool, &other);
  }();
  const auto [in_child, in_parent] = sync_wait(std::move(task));
  EXPECT_EQ(in_child, other.id());
  EXPECT_EQ(in_parent, mine.id());
  pool.join();
}

ctxheap::Task<int> throws_after_hop(asio::thread_pool& pool) {
  co_await ResumeOn{pool};
  throw std::runtime_error("boom");
  co_return 0;
}

TEST(Task, SyncWaitRethrowsTheTasksException) {
  asio::thread_pool pool(1);
  EXPECT_THROW(sync_wait(throws_after_hop(pool)), std::runtime_error);
  pool.join();
}

}  // namespace
