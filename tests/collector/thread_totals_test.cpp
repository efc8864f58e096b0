// The no-context heap by thread: a whole-process profile of a program that uses no
// contexts (`ctxheap record`) says which thread's allocations hold the memory.
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/format/reader.hpp"
#include "test_support.hpp"

namespace {

namespace fmt = ctxheap::format;
using ctxheap_test::keep;

const fmt::ThreadTotals* thread_entry(const fmt::Snapshot& s, pid_t tid) {
  for (const auto& t : s.totals.no_context_threads)
    if (t.tid == static_cast<std::uint64_t>(tid)) return &t;
  return nullptr;
}

TEST(NoContextByThread, BlocksAreChargedToTheThreadThatAllocatedThemWhicheverThreadFreesThem) {
  const auto dir = ctxheap_test::temp_dir("threads");
  std::vector<void*> handed, kept;
  handed.reserve(2000);  // no allocation of the vectors inside the threads
  kept.reserve(1000);
  pid_t giver_tid = 0, keeper_tid = 0;
  std::thread giver([&] {
    pthread_setname_np(pthread_self(), "giver");
    giver_tid = gettid();
    for (int i = 0; i < 2000; ++i) handed.push_back(keep(std::malloc(100)));
  });
  giver.join();
  for (void* p : handed) std::free(p);  // this thread frees the giver's blocks
  std::thread keeper([&] {
    pthread_setname_np(pthread_self(), "keeper");
    keeper_tid = gettid();
    for (int i = 0; i < 1000; ++i) kept.push_back(keep(std::malloc(200)));
  });
  keeper.join();

  const auto path = dir / "threads.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  for (void* p : kept) std::free(p);

  const fmt::ThreadTotals* g = thread_entry(snap, giver_tid);
  const fmt::ThreadTotals* k = thread_entry(snap, keeper_tid);
  ASSERT_NE(g, nullptr);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(snap.strings.at(g->name), "giver");
  EXPECT_EQ(snap.strings.at(k->name), "keeper");
  EXPECT_TRUE(g->exited);
  EXPECT_TRUE(k->exited);
  // The giver's 2,000 blocks were freed by another thread, and charged back to the giver.
  EXPECT_GE(g->alloc_objects, 2000u);
  EXPECT_GE(g->freed_objects, 2000u);
  EXPECT_LT(g->alloc_objects - g->freed_objects, 10u);
  // The keeper's blocks are still live: in use by the keeper, 200 B (one size class) each.
  EXPECT_GE(k->alloc_objects - k->freed_objects, 1000u);
  EXPECT_GE(k->alloc_bytes - k->freed_bytes, 1000u * 200);
  // The threads add up to the process's no-context totals.
  std::uint64_t objects = 0;
  for (const auto& t : snap.totals.no_context_threads) objects += t.alloc_objects;
  EXPECT_EQ(objects, snap.totals.no_context_alloc_objects);
}

TEST(NoContextByThread, ALiveThreadIsNamedAsItIsNowAndNotExited) {
  const auto dir = ctxheap_test::temp_dir("threads_live");
  pthread_setname_np(pthread_self(), "before");
  void* p = keep(std::malloc(64));
  pthread_setname_np(pthread_self(), "main-loop");
  const auto path = dir / "live.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  std::free(p);
  const fmt::ThreadTotals* me = thread_entry(snap, gettid());
  ASSERT_NE(me, nullptr);
  EXPECT_FALSE(me->exited);
  EXPECT_EQ(snap.strings.at(me->name), "main-loop");
}

}  // namespace
