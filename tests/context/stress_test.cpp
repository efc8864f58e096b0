// Thread safety under load, and depth: the runtime must keep its books exact when many
// threads create and cancel contexts under one parent, when a parent is cancelled while
// children are being registered, and when chains are far deeper than the stack allows
// recursion for. No timed assertions.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::ScopedObserver;
using ctxheap_test::spin_until;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

const ValueKey<int> kA{"a"};
const ValueKey<int> kRootOnly{"root-only"};
const ValueKey<int> kMissing{"missing"};

/// Counts events with atomics (each on its own cache line).
class CountingObserver : public Observer {
 public:
  void on_created(const Context& ctx) noexcept override {
    (is_cancelable(ctx.kind()) ? created_cancelable_ : created_other_).v.fetch_add(1);
  }
  void on_registered(ContextId, ContextId) noexcept override { registered_.v.fetch_add(1); }
  void on_unregistered(ContextId, ContextId) noexcept override { unregistered_.v.fetch_add(1); }
  void on_cancelled(const Context& ctx) noexcept override {
    if (is_cancelable(ctx.kind())) cancelled_.v.fetch_add(1);
  }
  void on_destroyed(ContextId) noexcept override { destroyed_.v.fetch_add(1); }

  long created_cancelable() const { return created_cancelable_.v.load(); }
  long created_other() const { return created_other_.v.load(); }
  long registered() const { return registered_.v.load(); }
  long unregistered() const { return unregistered_.v.load(); }
  long cancelled() const { return cancelled_.v.load(); }
  long destroyed() const { return destroyed_.v.load(); }

 private:
  struct alignas(64) Counter {
    std::atomic<long> v{0};
  };
  Counter created_cancelable_, created_other_, registered_, unregistered_, cancelled_, destroyed_;
};

TEST(Stress, ManyThreadsCreateAndCancelUnderOneParentAndTheBooksBalance) {
  constexpr int kThreads = 8;
  constexpr int kTotal = kSanitized ? 80'000 : 1'000'000;
  constexpr int per_thread = kTotal / kThreads;

  CountingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  const long roots_created = obs.created_other();  // Background and TODO, announced on add

  {
    auto [parent, cancel_parent] = with_cancel(background(), "shared-parent");
    std::atomic<long> made{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&p = parent, &made, t] {
        std::deque<CancelFunc> later;  // cancelled some time after creation
        for (int i = 0; i < per_thread; ++i) {
          CancelableContext cc;
          switch ((i + t) % 3) {
            case 0: cc = with_cancel(p); break;
            case 1: cc = with_timeout(p, 1h); break;
            default: cc = with_cancel(with_value(p, kA, i)); break;
          }
          switch (i % 4) {
            case 0: cc.cancel(); break;
            case 1: { ScopedCancel scoped(std::move(cc.cancel)); } break;
            default:
              later.push_back(std::move(cc.cancel));
              if (later.size() > 64) {
                later.front()();
                later.pop_front();
              }
          }
          made.fetch_add(1, std::memory_order_relaxed);
        }
        while (!later.empty()) {
          later.back()("drained");
          later.pop_back();
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(made.load(), static_cast<long>(per_thread) * kThreads);

    EXPECT_EQ(parent.child_count(), 0u);
    EXPECT_TRUE(parent.registered_children().empty());
    EXPECT_FALSE(parent.done());
    EXPECT_EQ(obs.registered(), static_cast<long>(per_thread) * kThreads);
    EXPECT_EQ(obs.registered(), obs.unregistered());
    cancel_parent();
  }
  // Everything is cancelled and every handle is gone.
  const long made_total = static_cast<long>(per_thread) * kThreads;
  EXPECT_EQ(obs.created_cancelable(), made_total + 1);  // + the shared parent
  EXPECT_EQ(obs.cancelled(), obs.created_cancelable());
  EXPECT_EQ(obs.registered(), obs.unregistered());
  EXPECT_EQ(obs.destroyed(), obs.created_cancelable() + obs.created_other() - roots_created);
}

TEST(Stress, ConcurrentParentCancelWhileThreadsRegisterChildren) {
  constexpr int kThreads = 4;
  constexpr int per_thread = kSanitized ? 5'000 : 25'000;
  CancelableContext pc = with_cancel(background());
  const Context& parent = pc.ctx;

  std::array<std::vector<Context>, kThreads> children;
  std::array<std::vector<CancelFunc>, kThreads> cancels;
  std::array<std::vector<AfterFunc>, kThreads> after;
  std::atomic<long> made{0};
  std::atomic<long> callbacks{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto& mine = children[static_cast<std::size_t>(t)];
      auto& my_cancels = cancels[static_cast<std::size_t>(t)];
      mine.reserve(static_cast<std::size_t>(per_thread));
      for (int i = 0; i < per_thread; ++i) {
        CancelableContext cc;
        switch (i % 4) {
          case 0: cc = with_cancel(parent); break;
          case 1: cc = with_timeout(parent, 1h); break;
          case 2: cc = with_cancel(with_value(parent, kA, i)); break;
          default: {
            // A child that races its own cancel against the parent's.
            cc = with_cancel(parent);
            cc.cancel();
          }
        }
        if (i % 16 == 0)
          after[static_cast<std::size_t>(t)].push_back(after_func(cc.ctx, [&callbacks] { ++callbacks; }));
        mine.push_back(std::move(cc.ctx));
        my_cancels.push_back(std::move(cc.cancel));
        made.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  // Cancel the parent while the threads are still registering.
  EXPECT_TRUE(spin_until([&] { return made.load() >= kThreads * per_thread / 4; }));
  pc.cancel("parent cancelled mid-flight");
  for (auto& th : threads) th.join();

  EXPECT_EQ(parent.child_count(), 0u);
  long not_done = 0, still_registered = 0, wrong_err = 0;
  for (const auto& mine : children) {
    for (const Context& c : mine) {
      if (!c.done()) ++not_done;
      if (c.registered_under() != kNoContext) ++still_registered;
      if (c.err() != Err::Canceled) ++wrong_err;
      if (c.child_count() != 0) ++still_registered;
    }
  }
  EXPECT_EQ(not_done, 0);
  EXPECT_EQ(still_registered, 0);
  EXPECT_EQ(wrong_err, 0);

  // Every after_func registered under those children runs (they are all done).
  long expected_callbacks = 0;
  for (const auto& a : after) expected_callbacks += static_cast<long>(a.size());
  ASSERT_TRUE(spin_until([&] { return callbacks.load() == expected_callbacks; }))
      << callbacks.load() << " of " << expected_callbacks;
  for (auto& my_cancels : cancels)
    for (auto& c : my_cancels) c();
}

TEST(Stress, ConcurrentCancelAndQueriesOnOneContext) {
  // Readers (err, cause, state, child_count, registered_children, done) race cancellers.
  for (int round = 0; round < (kSanitized ? 20 : 200); ++round) {
    auto [parent, cancel_parent] = with_cancel(background());
    std::vector<CancelableContext> kids;
    for (int i = 0; i < 16; ++i) kids.push_back(with_cancel(parent));
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    threads.emplace_back([&, p = parent] {
      while (!go) std::this_thread::yield();
      while (!p.done()) {
        (void)p.registered_children();
        (void)p.child_count();
        (void)p.cause();
        (void)p.state();
      }
    });
    threads.emplace_back([&] {
      while (!go) std::this_thread::yield();
      for (auto& k : kids) k.cancel("kid");
    });
    threads.emplace_back([&, cp = &cancel_parent] {
      while (!go) std::this_thread::yield();
      (*cp)("parent");
    });
    go = true;
    for (auto& th : threads) th.join();
    EXPECT_EQ(parent.child_count(), 0u);
    for (auto& k : kids) {
      EXPECT_TRUE(k.ctx.done());
      EXPECT_EQ(k.ctx.registered_under(), kNoContext);
      const std::string cause = k.ctx.cause();
      EXPECT_TRUE(cause == "kid" || cause == "parent") << cause;
    }
  }
}

TEST(DeepChain, CancelChainFromTheRootAndDestroyWithoutStackOverflow) {
  constexpr int kDepth = 200'000;
  CountingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  const long destroyed_before = obs.destroyed();
  {
    auto [root, cancel_root] = with_cancel(background());
    Context leaf = root;
    std::vector<CancelFunc> cancels;
    cancels.reserve(kDepth);
    for (int i = 0; i < kDepth; ++i) {
      auto [next, cancel_next] = with_cancel(leaf);
      cancels.push_back(std::move(cancel_next));
      leaf = next;
    }
    EXPECT_EQ(root.child_count(), 1u);
    EXPECT_EQ(leaf.registered_under(), leaf.parent_id());
    cancel_root("root");
    EXPECT_TRUE(leaf.done());
    EXPECT_EQ(leaf.err(), Err::Canceled);
    EXPECT_EQ(leaf.cause(), "root");
    EXPECT_EQ(leaf.registered_under(), kNoContext);
    EXPECT_EQ(root.child_count(), 0u);
    EXPECT_EQ(obs.cancelled(), kDepth + 1);
    root = background();
    cancels.clear();
    // The leaf handle now holds the whole chain through parent references.
    EXPECT_EQ(obs.destroyed(), destroyed_before);
  }
  EXPECT_EQ(obs.destroyed() - destroyed_before, kDepth + 1);
}

TEST(DeepChain, ForgottenChainUnderLiveParentIsFreedWhenTheParentIsCancelled) {
  constexpr int kDepth = 200'000;
  CountingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [root, cancel_root] = with_cancel(background());
  const long destroyed_before = obs.destroyed();
  {
    Context leaf = root;
    for (int i = 0; i < kDepth; ++i) leaf = with_cancel(leaf).ctx;  // cancel dropped
  }
  EXPECT_EQ(root.child_count(), 1u);
  EXPECT_EQ(obs.destroyed(), destroyed_before);  // all retained through the sets
  cancel_root();
  EXPECT_EQ(obs.destroyed() - destroyed_before, kDepth);
}

TEST(DeepChain, DeepValueChainLooksUpAndIsDestroyedWithoutStackOverflow) {
  constexpr int kDepth = 200'000;
  auto [root, cancel_root] = with_cancel(background());
  Context leaf = with_value(root, kRootOnly, -1);
  for (int i = 0; i < kDepth; ++i) leaf = with_value(leaf, kA, i);
  ASSERT_NE(leaf.value(kRootOnly), nullptr);
  EXPECT_EQ(*leaf.value(kRootOnly), -1);
  EXPECT_EQ(*leaf.value(kA), kDepth - 1);
  EXPECT_EQ(leaf.value(kMissing), nullptr);
  auto [below, cancel_below] = with_cancel(leaf);
  EXPECT_EQ(below.registered_under(), root.id());
  cancel_root();
  EXPECT_TRUE(below.done());
  EXPECT_TRUE(leaf.done());
  leaf = background();
  below = background();
}

}  // namespace
