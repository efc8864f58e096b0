// Snapshots written by the collector, read back through the format module.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "ctxheap/format/reader.hpp"
#include "test_support.hpp"

namespace {

namespace fmt = ctxheap::format;
using ctxheap_test::keep;

const fmt::ContextRecord* find(const fmt::Snapshot& s, ctxheap::ContextId id) {
  for (const auto& c : s.contexts)
    if (c.id == id) return &c;
  return nullptr;
}

bool stack_mentions(const fmt::Snapshot& s, fmt::StackId id, const std::string& function) {
  if (id == 0 || id > s.stacks.size()) return false;
  for (const auto& f : s.stacks[id - 1].frames)
    if (s.strings.at(f.function).find(function) != std::string::npos) return true;
  return false;
}

[[gnu::noinline]] ctxheap::CancelableContext make_request_context(const ctxheap::Context& parent) {
  return ctxheap::with_cancel(parent, "request");
}

[[gnu::noinline]] void allocate_under(const ctxheap::Context& ctx, std::vector<void*>& out) {
  ctxheap::CurrentScope scope(ctx);
  for (int i = 0; i < 10; ++i) out.push_back(keep(std::malloc(1000)));  // out has room: see callers
}

[[gnu::noinline]] void allocate_many_under(const ctxheap::Context& ctx, std::vector<void*>& out, std::size_t n) {
  ctxheap::CurrentScope scope(ctx);
  for (std::size_t i = 0; i < n; ++i) out.push_back(keep(std::malloc(48)));  // out has room: see callers
}

TEST(Snapshot, RecordsMatchTheRuntimeAndTheExactCounters) {
  const auto dir = ctxheap_test::temp_dir("roundtrip");
  auto [server, stop] = ctxheap::with_cancel(ctxheap::background(), "server");
  std::vector<void*> blocks;
  blocks.reserve(10);
  ctxheap::ContextId leaked_id;
  {
    auto [child, cancel] = make_request_context(server);
    leaked_id = child.id();
    allocate_under(child, blocks);
  }  // cancel dropped: the child stays registered under the server
  auto [done_child, done_cancel] = ctxheap::with_cancel(server, "finished");
  done_cancel("request served");

  const auto path = dir / "snap.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);

  const fmt::ContextRecord* leaked = find(snap, leaked_id);
  ASSERT_NE(leaked, nullptr);
  EXPECT_EQ(leaked->kind, fmt::ContextKind::Cancel);
  EXPECT_EQ(leaked->parent_id, server.id());
  EXPECT_EQ(leaked->registered_under_id, server.id());
  EXPECT_EQ(snap.strings.at(leaked->name), "request");
  EXPECT_EQ(leaked->state, fmt::ContextState::Live);
  EXPECT_TRUE(leaked->cancel_dropped);
  EXPECT_TRUE(stack_mentions(snap, leaked->creation_stack_id, "make_request_context"));
  const auto exact = ctxheap::collector::counters(leaked_id).value();
  EXPECT_EQ(leaked->alloc_objects, exact.alloc_objects);
  EXPECT_EQ(leaked->alloc_bytes, exact.alloc_bytes);
  EXPECT_EQ(leaked->freed_objects, exact.free_objects);
  EXPECT_GE(leaked->alloc_bytes, 10000u);

  const fmt::ContextRecord* finished = find(snap, done_child.id());
  ASSERT_NE(finished, nullptr);
  EXPECT_EQ(finished->state, fmt::ContextState::Cancelled);
  EXPECT_EQ(finished->err, fmt::ContextErr::Canceled);
  EXPECT_EQ(snap.strings.at(finished->cause), "request served");
  EXPECT_EQ(finished->registered_under_id, 0u);
  EXPECT_FALSE(finished->cancel_dropped);
  EXPECT_NE(finished->ended_ns, 0u);

  EXPECT_EQ(snap.meta.pid, static_cast<std::uint32_t>(getpid()));
  EXPECT_EQ(snap.meta.sampling_interval_bytes, 1u);  // CTXHEAP_SAMPLE=1 from the runner
  EXPECT_GE(snap.meta.monotonic_time_ns, leaked->created_ns);
  const bool has_heap_size = std::any_of(snap.totals.allocator.begin(), snap.totals.allocator.end(),
                                         [&](const auto& p) { return snap.strings.at(p.name) == "generic.heap_size"; });
  EXPECT_TRUE(has_heap_size);
  for (void* p : blocks) std::free(p);
  stop();
}

TEST(Snapshot, SampledSitesNameTheAllocatingFunctionAndContext) {
  const auto dir = ctxheap_test::temp_dir("sites");
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "sampled");
  std::vector<void*> blocks;
  blocks.reserve(10);  // so that only the ten blocks are allocated under ctx
  allocate_under(ctx, blocks);
  const auto path = dir / "sites.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  std::uint64_t sampled_bytes = 0;
  for (const auto& site : snap.sites) {
    if (site.context_id != ctx.id() || !stack_mentions(snap, site.stack_id, "allocate_under")) continue;
    sampled_bytes += site.sampled_inuse_bytes;
    EXPECT_GE(site.estimated_inuse_bytes, site.sampled_inuse_bytes);
  }
  EXPECT_EQ(sampled_bytes, 10000u);  // interval 1: every block is a sample
  for (void* p : blocks) std::free(p);
  cancel();
}

// The sampler's index of live sampled blocks starts small and grows; blocks sampled before
// a growth must still find their site when freed after it.
TEST(Snapshot, SampledBlocksFreedAfterTheIndexGrewReachTheirSite) {
  const auto dir = ctxheap_test::temp_dir("grow");
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "many");
  constexpr std::size_t kBlocks = 50'000;
  std::vector<void*> blocks;
  blocks.reserve(kBlocks);
  allocate_many_under(ctx, blocks, kBlocks);
  for (std::size_t i = 0; i < kBlocks; i += 2) std::free(blocks[i]);  // every other one
  const auto path = dir / "grow.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  std::uint64_t alloc = 0, inuse = 0;
  for (const auto& site : snap.sites) {
    if (site.context_id != ctx.id() || !stack_mentions(snap, site.stack_id, "allocate_many_under")) continue;
    alloc += site.sampled_alloc_objects;
    inuse += site.sampled_inuse_objects;
  }
  EXPECT_EQ(alloc, kBlocks);  // interval 1: every block is a sample
  EXPECT_EQ(inuse, kBlocks / 2);
  for (std::size_t i = 1; i < kBlocks; i += 2) std::free(blocks[i]);
  cancel();
}

TEST(Snapshot, WriterKilledMidWriteLeavesNoFileUnderTheFinalName) {
  const auto dir = ctxheap_test::temp_dir("killed");
  for (int round = 0; round < 5; ++round) {
    const auto final_path = dir / ("snap" + std::to_string(round) + ".ctxheap");
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Enough contexts that writing takes a while.
      auto [root, stop] = ctxheap::with_cancel(ctxheap::background(), "root");
      std::vector<ctxheap::CancelableContext> keep;
      for (int i = 0; i < 100000; ++i) keep.push_back(ctxheap::with_cancel(root, "child"));
      ctxheap::collector::write_snapshot(final_path.string());
      _exit(0);
    }
    // Kill it as soon as its temporary file appears.
    const bool started = ctxheap_test::eventually([&] {
      for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().string().find(final_path.filename().string() + ".tmp") != std::string::npos) return true;
      return std::filesystem::exists(final_path);
    });
    ASSERT_TRUE(started);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
      // Killed before the rename, or after it: the final name holds nothing or a whole file.
      if (std::filesystem::exists(final_path)) {
        EXPECT_NO_THROW(fmt::read_snapshot(final_path));
      }
    }
  }
}

}  // namespace
