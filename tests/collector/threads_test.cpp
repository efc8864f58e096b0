// Bytes allocated for a context on another thread are charged to it: std::thread,
// std::async, Asio's thread_pool (bind_current and the executor adaptor), ctxheap::Task
// and Asio coroutines resumed on a pool thread. Each worker allocates kBlocks blocks of
// kBlockSize bytes; the control shows a plain std::thread charges nothing.
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <coroutine>
#include <cstdlib>
#include <future>
#include <thread>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "ctxheap/context/asio.hpp"
#include "ctxheap/context/executor.hpp"
#include "ctxheap/context/task.hpp"
#include "ctxheap/context/threads.hpp"
#include "test_support.hpp"

namespace {

using ctxheap::collector::counters;
using ctxheap_test::keep;

constexpr int kBlocks = 100;
constexpr std::size_t kBlockSize = 1000;  // 100,000 B in all

/// The worker's part: kBlocks allocations of kBlockSize, freed again.
void allocate_work() {
  for (int i = 0; i < kBlocks; ++i) std::free(keep(std::malloc(kBlockSize)));
}

struct Fixture {
  ctxheap::Context ctx;
  ctxheap::collector::Counters before;
};

Fixture fresh(const char* name) {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), name);
  cancel();
  const auto before = counters(ctx.id()).value_or(ctxheap::collector::Counters{});
  return {ctx, before};
}

/// Objects and bytes charged to f.ctx since fresh().
std::pair<std::uint64_t, std::uint64_t> charged(const Fixture& f) {
  const auto now = counters(f.ctx.id()).value_or(ctxheap::collector::Counters{});
  return {now.alloc_objects - f.before.alloc_objects, now.alloc_bytes - f.before.alloc_bytes};
}

void expect_work_charged(const Fixture& f) {
  const auto [objects, bytes] = charged(f);
  EXPECT_GE(objects, static_cast<std::uint64_t>(kBlocks));
  EXPECT_GE(bytes, kBlocks * kBlockSize);
}

TEST(ThreadCharging, APlainStdThreadChargesNothingToTheCallersContext) {
  auto f = fresh("plain-thread");
  {
    ctxheap::CurrentScope scope(f.ctx);
    std::thread(allocate_work).join();
  }
  EXPECT_LT(charged(f).first, static_cast<std::uint64_t>(kBlocks));
}

TEST(ThreadCharging, StartThreadChargesTheThreadsBytesToTheCallersContext) {
  auto f = fresh("start-thread");
  {
    ctxheap::CurrentScope scope(f.ctx);
    ctxheap::start_thread(allocate_work).join();
  }
  expect_work_charged(f);
}

TEST(ThreadCharging, AsyncChargesTheTasksBytesToTheCallersContext) {
  auto f = fresh("async");
  {
    ctxheap::CurrentScope scope(f.ctx);
    ctxheap::async(std::launch::async, allocate_work).get();
  }
  expect_work_charged(f);
}

TEST(ThreadCharging, AsioPoolWorkPostedWithBindCurrentIsChargedToThePoster) {
  auto f = fresh("pool-bind");
  asio::thread_pool pool(2);
  std::promise<void> done;
  {
    ctxheap::CurrentScope scope(f.ctx);
    asio::post(pool, ctxheap::bind_current([&] {
                 allocate_work();
                 done.set_value();
               }));
  }
  done.get_future().get();
  expect_work_charged(f);
  pool.join();
}

TEST(ThreadCharging, AsioPoolWorkThroughTheContextExecutorIsChargedToItsContext) {
  auto f = fresh("pool-executor");
  asio::thread_pool pool(2);
  std::promise<void> done;
  asio::post(ctxheap::ContextExecutor(pool.get_executor(), f.ctx), [&] {
    allocate_work();
    done.set_value();
  });
  done.get_future().get();
  expect_work_charged(f);
  pool.join();
}

struct ResumeOn {
  asio::thread_pool& pool;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { asio::post(pool, [h] { h.resume(); }); }
  void await_resume() const noexcept {}
};

ctxheap::Task<void> work_on(ctxheap::Context, asio::thread_pool& pool) {
  co_await ResumeOn{pool};
  allocate_work();
}

TEST(ThreadCharging, ATaskResumedOnAPoolThreadIsChargedToItsContext) {
  auto f = fresh("task");
  asio::thread_pool pool(1);
  sync_wait(work_on(f.ctx, pool));
  expect_work_charged(f);
  pool.join();
}

TEST(ThreadCharging, AnAsioCoroutineOnTheContextExecutorIsChargedAfterEachResume) {
  auto f = fresh("asio-coroutine");
  asio::thread_pool pool(2);
  std::promise<void> done;
  asio::co_spawn(
      ctxheap::ContextExecutor(pool.get_executor(), f.ctx),
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
        co_await timer.async_wait(asio::use_awaitable);
        allocate_work();
        done.set_value();
      },
      asio::detached);
  done.get_future().get();
  expect_work_charged(f);
  pool.join();
}

}  // namespace
