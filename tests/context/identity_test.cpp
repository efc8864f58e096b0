// Identity and history: unique ids, kind, parent id, name, creation time and the
// creation call stack.
#include <cxxabi.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

// Creation-stack probes: each calls one factory directly, so the first frame of the
// new context's creation stack must lie in the probe. External linkage and noinline so
// that dladdr can name them (the test executable is linked with ENABLE_EXPORTS).
namespace ctxheap_stack_probe {

const ctxheap::ValueKey<int> kProbeKey{"probe"};

[[gnu::noinline]] ctxheap::Context probe_with_cancel(const ctxheap::Context& parent) {
  auto [ctx, cancel] = ctxheap::with_cancel(parent);
  cancel();
  return ctx;
}

[[gnu::noinline]] ctxheap::Context probe_with_deadline(const ctxheap::Context& parent) {
  auto [ctx, cancel] = ctxheap::with_deadline(parent, ctxheap::now() + std::chrono::hours(1));
  cancel();
  return ctx;
}

[[gnu::noinline]] ctxheap::Context probe_with_timeout(const ctxheap::Context& parent) {
  auto [ctx, cancel] = ctxheap::with_timeout(parent, std::chrono::hours(1));
  cancel();
  return ctx;
}

[[gnu::noinline]] ctxheap::Context probe_with_value(const ctxheap::Context& parent) {
  ctxheap::Context ctx = ctxheap::with_value(parent, kProbeKey, 1);
  (void)ctx.id();
  return ctx;
}

[[gnu::noinline]] ctxheap::Context probe_without_cancel(const ctxheap::Context& parent) {
  ctxheap::Context ctx = ctxheap::without_cancel(parent);
  (void)ctx.id();
  return ctx;
}

[[gnu::noinline]] ctxheap::AfterFunc probe_after_func(const ctxheap::Context& parent) {
  ctxheap::AfterFunc af = ctxheap::after_func(parent, [] {});
  (void)parent.child_count();
  return af;
}

}  // namespace ctxheap_stack_probe

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;

const ValueKey<int> kA{"a"};

/// The demangled name of the function containing the return address `ret`.
std::string function_of(void* ret) {
  Dl_info info{};
  // A return address points after the call; step back into the call instruction.
  if (dladdr(static_cast<char*>(ret) - 1, &info) == 0 || info.dli_sname == nullptr) return {};
  int status = 0;
  char* demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
  std::string name = (status == 0 && demangled != nullptr) ? demangled : info.dli_sname;
  std::free(demangled);
  return name;
}

void expect_first_frame_in(const Context& ctx, const std::string& probe) {
  const auto stack = ctx.creation_stack();
  ASSERT_FALSE(stack.empty()) << probe;
  EXPECT_LE(stack.size(), static_cast<std::size_t>(creation_stack_depth()));
  const std::string fn = function_of(stack[0]);
  EXPECT_NE(fn.find(probe), std::string::npos)
      << "first creation frame is in '" << fn << "', expected " << probe;
}

// The very first context of the process, made before main() and before any test.
const ContextId g_first_id = [] {
  auto [ctx, cancel] = with_cancel(background());
  cancel();
  return ctx.id();
}();

TEST(Identity, FirstContextOfTheProcessDoesNotReuseARootId) {
  EXPECT_NE(g_first_id, kNoContext);
  EXPECT_NE(g_first_id, kBackgroundId);
  EXPECT_NE(g_first_id, kTodoId);
}

TEST(Identity, IdsAreUniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::vector<ContextId>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&out = ids[static_cast<std::size_t>(t)]] {
      out.reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) {
        if (i % 2 == 0) {
          auto [ctx, cancel] = with_cancel(background());
          out.push_back(ctx.id());
          cancel();
        } else {
          out.push_back(with_value(background(), kA, i).id());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<ContextId> all;
  for (const auto& v : ids) all.insert(all.end(), v.begin(), v.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "duplicate id";
  for (const ContextId id : {kNoContext, kBackgroundId, kTodoId})
    EXPECT_FALSE(std::binary_search(all.begin(), all.end(), id)) << id;
}

TEST(Identity, BackgroundAndTodoHaveFixedIds) {
  EXPECT_EQ(background().id(), kBackgroundId);
  EXPECT_EQ(todo().id(), kTodoId);
  EXPECT_EQ(background().parent_id(), kNoContext);
  EXPECT_EQ(todo().parent_id(), kNoContext);
}

TEST(Identity, KindParentIdNameAndCreatedAt) {
  ManualClock clock;
  ScopedClock use(clock);
  clock.advance(42s);
  const TimePoint t0 = clock.now();

  auto [c, cancel_c] = with_cancel(background(), "worker");
  EXPECT_EQ(c.kind(), ContextKind::Cancel);
  EXPECT_EQ(c.parent_id(), kBackgroundId);
  EXPECT_EQ(c.name(), "worker");
  EXPECT_EQ(c.created_at(), t0);

  clock.advance(1s);
  auto [d, cancel_d] = with_deadline(c, clock.now() + 1h, "deadline");
  EXPECT_EQ(d.kind(), ContextKind::Deadline);
  EXPECT_EQ(d.parent_id(), c.id());
  EXPECT_TRUE(d.parent() == c);
  EXPECT_EQ(d.name(), "deadline");
  EXPECT_EQ(d.created_at(), t0 + 1s);

  clock.advance(1s);
  auto [t, cancel_t] = with_timeout(d, 1h, "timeout");
  EXPECT_EQ(t.kind(), ContextKind::Deadline);
  EXPECT_EQ(t.parent_id(), d.id());
  EXPECT_EQ(t.name(), "timeout");
  EXPECT_EQ(t.created_at(), t0 + 2s);

  clock.advance(1s);
  const Context v = with_value(t, kA, 1);
  EXPECT_EQ(v.kind(), ContextKind::Value);
  EXPECT_EQ(v.parent_id(), t.id());
  EXPECT_EQ(v.created_at(), t0 + 3s);

  const Context w = without_cancel(v);
  EXPECT_EQ(w.kind(), ContextKind::WithoutCancel);
  EXPECT_EQ(w.parent_id(), v.id());
  EXPECT_EQ(w.created_at(), t0 + 3s);

  AfterFunc af = after_func(v, [] {});
  const auto kids = t.registered_children();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].kind(), ContextKind::AfterFunc);
  EXPECT_EQ(kids[0].parent_id(), v.id());
  EXPECT_EQ(kids[0].created_at(), t0 + 3s);

  const std::vector<ContextId> ids{c.id(), d.id(), t.id(), v.id(), w.id(), kids[0].id()};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_GT(ids[i], kTodoId);
    for (std::size_t j = i + 1; j < ids.size(); ++j) EXPECT_NE(ids[i], ids[j]);
  }
  EXPECT_TRUE(af.stop());
  cancel_c();
}

TEST(Identity, CopiesShareIdentity) {
  auto [c, cancel] = with_cancel(background());
  const Context copy = c;
  EXPECT_TRUE(copy == c);
  EXPECT_EQ(copy.id(), c.id());
  auto [other, cancel_other] = with_cancel(background());
  EXPECT_FALSE(other == c);
  cancel();
  cancel_other();
}

TEST(Identity, CreationStackStartsInTheFunctionThatCalledTheFactory) {
  if (creation_stack_depth() == 0) GTEST_SKIP() << "CTXHEAP_STACK_DEPTH=0";
  auto [parent, cancel] = with_cancel(background());
  expect_first_frame_in(ctxheap_stack_probe::probe_with_cancel(parent), "probe_with_cancel");
  expect_first_frame_in(ctxheap_stack_probe::probe_with_deadline(parent), "probe_with_deadline");
  expect_first_frame_in(ctxheap_stack_probe::probe_with_timeout(parent), "probe_with_timeout");
  expect_first_frame_in(ctxheap_stack_probe::probe_with_value(parent), "probe_with_value");
  expect_first_frame_in(ctxheap_stack_probe::probe_without_cancel(parent), "probe_without_cancel");
  {
    AfterFunc af = ctxheap_stack_probe::probe_after_func(parent);
    const auto kids = parent.registered_children();
    ASSERT_EQ(kids.size(), 1u);
    expect_first_frame_in(kids[0], "probe_after_func");
    EXPECT_TRUE(af.stop());
  }
  cancel();
}

TEST(Identity, CreationStackHasTheDefaultDepth) {
  if (std::getenv("CTXHEAP_STACK_DEPTH") == nullptr) {
    EXPECT_EQ(creation_stack_depth(), 16);
  }
  ctxheap_test::StackDepthGuard restore;
  set_creation_stack_depth(4);
  EXPECT_EQ(creation_stack_depth(), 4);
  auto [c, cancel] = with_cancel(background());
  // gtest's own frames make the real stack far deeper than 4.
  EXPECT_EQ(c.creation_stack().size(), 4u);
  cancel();
}

[[gnu::noinline]] Context created_deep_in_a_recursion(int depth, const Context& parent) {
  if (depth == 0) {
    auto [c, cancel] = with_cancel(parent);
    cancel();
    return c;
  }
  Context c = created_deep_in_a_recursion(depth - 1, parent);
  asm volatile("" ::: "memory");  // not a tail call: every level keeps its frame
  return c;
}

TEST(Identity, ADeepRecursionsCreationStackIsCappedAtTheDepthSetting) {
  ctxheap_test::StackDepthGuard restore;
  for (int asked : {16, 64, 1000}) {
    set_creation_stack_depth(asked);
    const Context c = created_deep_in_a_recursion(500, background());
    const std::size_t cap = asked > 64 ? 64 : static_cast<std::size_t>(asked);
    EXPECT_EQ(creation_stack_depth(), static_cast<int>(cap));
    ASSERT_EQ(c.creation_stack().size(), cap) << "asked for " << asked;
    // Every frame is the recursion: the walk neither stops early nor skips a level.
    const auto stack = c.creation_stack();
    for (std::size_t i = 1; i < stack.size(); ++i) EXPECT_EQ(stack[i], stack[1]) << "frame " << i;
  }
}

TEST(Identity, StackDepthZeroGivesEmptyStacks) {
  ctxheap_test::StackDepthGuard restore;
  set_creation_stack_depth(0);
  EXPECT_EQ(creation_stack_depth(), 0);
  auto [c, cancel] = with_cancel(background());
  auto [t, cancel_t] = with_timeout(c, 1h);
  const Context v = with_value(c, kA, 1);
  EXPECT_TRUE(c.creation_stack().empty());
  EXPECT_TRUE(t.creation_stack().empty());
  EXPECT_TRUE(v.creation_stack().empty());
  cancel();
}

TEST(Identity, StackDepthChangeAffectsNewContextsOnly) {
  ctxheap_test::StackDepthGuard restore;
  set_creation_stack_depth(8);
  auto [before, cancel_before] = with_cancel(background());
  set_creation_stack_depth(0);
  auto [after, cancel_after] = with_cancel(background());
  EXPECT_EQ(before.creation_stack().size(), 8u);
  EXPECT_TRUE(after.creation_stack().empty());
  cancel_before();
  cancel_after();
}

}  // namespace
