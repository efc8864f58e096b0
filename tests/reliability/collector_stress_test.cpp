// The context runtime and the collector under concurrent load: 8 threads create 1M
// contexts under one server (with_cancel, with_timeout, value contexts; most cancelled,
// some dropped), allocate and free under them, while one thread writes snapshots in a
// loop and another sends the collector's snapshot signal every millisecond, so signals
// land on allocating threads and signal-triggered snapshots race the API ones. Half of
// the workers start before the collector is configured, half after. Run under TSan by
// scripts/test.sh; the books must balance and every snapshot must read.
//
// Under TSan the allocator is TSan's, not tcmalloc, so tcmalloc never calls the hooks;
// there the workers call the collector's hooks themselves for the blocks they allocate,
// which drives the collector's hook code from every thread exactly as tcmalloc would.
// The hooks are the functions the collector hands MallocHook_AddNewHook/AddDeleteHook
// at load time; this executable's definitions of those two see them first and pass them
// on to tcmalloc's. In the release build the collector's own malloc and operator new tag.
#include <dlfcn.h>
#include <gperftools/malloc_hook_c.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "ctxheap/format/reader.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

#if defined(__SANITIZE_THREAD__)
constexpr bool kFeedHooks = true;
constexpr bool kParkWorkers = true;
#else
constexpr bool kFeedHooks = false;
constexpr bool kParkWorkers = false;
#endif

constexpr int kThreads = 8;
constexpr int kContexts = 1'000'000;
constexpr int kPerThread = kContexts / kThreads;
constexpr std::size_t kBlock = 96;
constexpr int kSignal = SIGUSR2;

std::atomic<void*> g_sink{nullptr};  // keeps allocations observable

MallocHook_NewHook g_collector_new = nullptr;
MallocHook_DeleteHook g_collector_delete = nullptr;

}  // namespace

extern "C" int MallocHook_AddNewHook(MallocHook_NewHook hook) {
  g_collector_new = hook;
  static const auto next = reinterpret_cast<int (*)(MallocHook_NewHook)>(dlsym(RTLD_NEXT, "MallocHook_AddNewHook"));
  return next != nullptr ? next(hook) : 0;
}

extern "C" int MallocHook_AddDeleteHook(MallocHook_DeleteHook hook) {
  g_collector_delete = hook;
  static const auto next = reinterpret_cast<int (*)(MallocHook_DeleteHook)>(dlsym(RTLD_NEXT, "MallocHook_AddDeleteHook"));
  return next != nullptr ? next(hook) : 0;
}

namespace {

void* allocate(std::size_t size) {
  void* p = std::malloc(size);
  g_sink.store(p, std::memory_order_relaxed);
  if (kFeedHooks) g_collector_new(p, size);
  return p;
}

void release(void* p) {
  if (kFeedHooks) g_collector_delete(p);
  std::free(p);
}

const ctxheap::ValueKey<int> kRequest{"request"};

struct WorkerResult {
  ctxheap::collector::Counters own;  ///< what the collector charged the worker's own context during the loop
  int dropped = 0;                   ///< cancels dropped: children left in the server's set
};

ctxheap::collector::Counters operator-(const ctxheap::collector::Counters& a, const ctxheap::collector::Counters& b) {
  return {a.alloc_objects - b.alloc_objects, a.alloc_bytes - b.alloc_bytes, a.free_objects - b.free_objects,
          a.free_bytes - b.free_bytes};
}

// One worker: kPerThread contexts under `server`, a block allocated and freed under each,
// and kPerThread blocks charged to the worker's own context, half of them still live.
void work(const ctxheap::Context& server, int t, const std::atomic<bool>& go, WorkerResult& result,
          std::vector<void*>& kept) {
  while (!go.load()) std::this_thread::yield();
  auto [own, cancel_own] = ctxheap::with_cancel(ctxheap::background(), "worker");
  kept.reserve(kPerThread);
  const auto before = ctxheap::collector::counters(own.id()).value_or(ctxheap::collector::Counters{});
  std::vector<ctxheap::CancelFunc> dropped_later;
  std::deque<ctxheap::CancelFunc> later;
  for (int i = 0; i < kPerThread; ++i) {
    ctxheap::CancelableContext cc;
    switch ((i + t) % 3) {
      case 0: cc = ctxheap::with_cancel(server); break;
      case 1: cc = ctxheap::with_timeout(server, 1h); break;
      default: cc = ctxheap::with_cancel(ctxheap::with_value(server, kRequest, i)); break;
    }
    {
      ctxheap::CurrentScope scope(cc.ctx);
      release(allocate(kBlock));
    }
    {
      ctxheap::CurrentScope scope(own);
      void* p = allocate(kBlock);
      if (i % 2 == 0) kept.push_back(p);
      else release(p);
    }
    if (i % 64 == 0) {
      // Dropped: the child stays registered in the server's children set.
      { ctxheap::CancelFunc drop = std::move(cc.cancel); }
      ++result.dropped;
    } else if (i % 3 == 0) {
      cc.cancel();
    } else {
      later.push_back(std::move(cc.cancel));
      if (later.size() > 32) {
        later.front()();
        later.pop_front();
      }
    }
  }
  for (auto& c : later) c();
  result.own = ctxheap::collector::counters(own.id()).value_or(ctxheap::collector::Counters{}) - before;
  cancel_own();
}

// Under TSan, worker threads finish their work and then park until the process exits
// instead of exiting: the libunwind linked with the collector exports backtrace(), which
// TSan's interceptor then calls for creation stacks, and libunwind's thread-exit
// destructor takes a mutex after TSan has retired the thread, crashing it. Not the
// collector's doing, and not a configuration users run (the collector needs tcmalloc).
void worker_thread(const ctxheap::Context& server, int t, const std::atomic<bool>& go, WorkerResult& result,
                   std::vector<void*>& kept, std::latch& finished) {
  work(server, t, go, result, kept);
  finished.count_down();
  if (kParkWorkers) {
    for (;;) pause();
  }
}

std::vector<fs::path> snapshots_in(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".ctxheap") found.push_back(e.path());
  }
  return found;
}

TEST(CollectorStress, EightThreadsAMillionContextsWithSnapshotsAndSignalsArrivingConcurrently) {
  if (kFeedHooks) {
    // Under TSan the collector has no entry points of its own: it registers the hooks.
    ASSERT_NE(g_collector_new, nullptr);
    ASSERT_NE(g_collector_delete, nullptr);
  } else {
    ASSERT_EQ(ctxheap::collector::dispatch(), "interposed");
  }
  const fs::path dir = fs::temp_directory_path() / ("ctxheap-stress-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  std::atomic<bool> go{false};
  std::latch finished(kThreads);
  std::vector<WorkerResult> results(kThreads);
  std::vector<std::vector<void*>> kept(kThreads);
  std::vector<std::thread> workers;
  // Half the workers exist before the collector is configured.
  for (int t = 0; t < kThreads / 2; ++t) {
    workers.emplace_back(worker_thread, std::cref(server), t, std::cref(go), std::ref(results[t]), std::ref(kept[t]),
                         std::ref(finished));
  }
  ctxheap::collector::Options options;
  options.snapshot_prefix = (dir / "signalled").string();
  options.signal = kSignal;
  options.sample_interval = 64 * 1024;
  options.snapshot_at_exit = false;
  ctxheap::collector::configure(options);
  for (int t = kThreads / 2; t < kThreads; ++t) {
    workers.emplace_back(worker_thread, std::cref(server), t, std::cref(go), std::ref(results[t]), std::ref(kept[t]),
                         std::ref(finished));
  }

  std::atomic<bool> done{false};
  std::atomic<int> api_snapshots{0};
  std::thread snapshotter([&] {
    while (!done.load()) {
      ctxheap::collector::write_snapshot((dir / ("api-" + std::to_string(api_snapshots.load()) + ".ctxheap")).string(),
                                         "stress");
      api_snapshots.fetch_add(1);
    }
  });
  std::atomic<int> signals{0};
  std::thread signaller([&] {
    while (!done.load()) {
      kill(getpid(), kSignal);
      signals.fetch_add(1);
      std::this_thread::sleep_for(1ms);
    }
  });

  go.store(true);
  if (kParkWorkers) {
    finished.wait();
    for (auto& w : workers) w.detach();
  } else {
    for (auto& w : workers) w.join();
  }
  done.store(true);
  snapshotter.join();
  signaller.join();
  ctxheap::collector::Options quiet = options;
  quiet.signal = 0;
  quiet.snapshot_prefix.clear();
  ctxheap::collector::configure(quiet);

  // Exact counters: each worker's own context was charged its kPerThread blocks and the
  // frees of the half it did not keep, whatever signals and snapshots did meanwhile.
  int dropped = 0;
  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE("worker " + std::to_string(t));
    const auto& c = results[t].own;
    EXPECT_EQ(c.alloc_objects, static_cast<std::uint64_t>(kPerThread));
    EXPECT_EQ(c.alloc_bytes, kPerThread * kBlock);
    EXPECT_EQ(c.free_objects, kPerThread - kept[t].size());
    EXPECT_EQ(c.free_bytes, (kPerThread - kept[t].size()) * kBlock);
    dropped += results[t].dropped;
  }
  EXPECT_EQ(server.child_count(), static_cast<std::size_t>(dropped));
  EXPECT_EQ(ctxheap::collector::totals().hook_reentries, 0u);

  // A final snapshot holds every dropped child under the server; every earlier one reads.
  const fs::path last = dir / "final.ctxheap";
  ctxheap::collector::write_snapshot(last.string(), "stress");
  const auto final_snapshot = ctxheap::format::read_snapshot(last);
  std::size_t registered = 0;
  for (const auto& ctx : final_snapshot.contexts) registered += ctx.registered_under_id == server.id() ? 1 : 0;
  EXPECT_EQ(registered, static_cast<std::size_t>(dropped));
  const auto written = snapshots_in(dir);
  EXPECT_GE(written.size(), 2u);
  for (const fs::path& p : written) EXPECT_NO_THROW(ctxheap::format::read_snapshot(p)) << p;
  std::printf("stress: %d contexts on %d threads, %d API snapshots, %d signals, %zu snapshot files\n", kContexts,
              kThreads, api_snapshots.load(), signals.load(), written.size());

  for (auto& blocks : kept) {
    for (void* p : blocks) release(p);
  }
  stop_server();
  fs::remove_all(dir);
}

}  // namespace
