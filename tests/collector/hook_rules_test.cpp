// The hook rules: no allocation inside the hook, correct on threads with no context,
// and fork() children go on.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "test_support.hpp"

namespace {

using ctxheap_test::keep;

TEST(HookRules, HooksAreInstalledBeforeMain) { EXPECT_TRUE(ctxheap::collector::installed()); }

TEST(HookRules, TheHookNeverAllocatesEvenWhileSampling) {
  // CTXHEAP_SAMPLE=1 (set by the test runner) samples every allocation: the slow path
  // (stack capture, site tables) runs each time and still must not call malloc.
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "sampled");
  ctxheap::CurrentScope scope(ctx);
  for (int i = 0; i < 20000; ++i) {
    void* p = keep(std::malloc(static_cast<std::size_t>(16 + i % 4096)));
    std::free(p);
  }
  EXPECT_EQ(ctxheap::collector::totals().hook_reentries, 0u);
  cancel();
}

TEST(HookRules, ThreadsWithAndWithoutContextsAllocateConcurrently) {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "busy");
  const auto before = ctxheap::collector::counters(ctx.id()).value_or(ctxheap::collector::Counters{});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::optional<ctxheap::CurrentScope> scope;
      if (t % 2 == 0) scope.emplace(ctx);  // half the threads have no current context
      for (int i = 0; i < 50000; ++i) {
        void* p = keep(std::malloc(static_cast<std::size_t>(8 + (i * 7) % 2000)));
        std::free(p);
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto c = ctxheap::collector::counters(ctx.id()).value();
  EXPECT_EQ(c.alloc_objects - before.alloc_objects, 100000u);  // exactly the two tagged threads
  EXPECT_EQ(c.in_use_bytes(), before.in_use_bytes());
  EXPECT_EQ(ctxheap::collector::totals().hook_reentries, 0u);
  cancel();
}

TEST(HookRules, ForkChildAllocatesAndExitsWhileParentThreadsAllocate) {
  std::atomic<bool> stop{false};
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "forking");
  std::thread churn([&] {
    ctxheap::CurrentScope scope(ctx);
    while (!stop.load()) {
      void* p = keep(std::malloc(100));
      std::free(p);
    }
  });
  for (int round = 0; round < 20; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // The child must not inherit a held collector lock.
      ctxheap::CurrentScope scope(ctx);
      std::vector<void*> blocks;
      for (int i = 0; i < 1000; ++i) blocks.push_back(keep(std::malloc(64)));
      for (void* p : blocks) std::free(p);
      const auto c = ctxheap::collector::counters(ctx.id());
      _exit(c && c->alloc_objects >= 1000 ? 0 : 3);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  stop = true;
  churn.join();
  cancel();
}

}  // namespace
