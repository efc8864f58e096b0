// The allocation workload of scripts/bench_collector.sh: threads doing alloc/free pairs of
// log-uniform sizes 16 B - 64 KiB over a window of live blocks, every block written and
// read so nothing is optimised away. Built three times: with glibc malloc, with tcmalloc,
// and with the ctxheap collector (the work then runs under a context).
//
// Usage: alloc_workload THREADS PAIRS [HOLD]
//   prints "seconds=<wall> checksum=<n>"; with the collector, HOLD small blocks are kept
//   live at the end and "side_table_bytes_per_block=<x>" is printed too.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#ifdef CTXHEAP_WORKLOAD_COLLECTOR
#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#endif
#ifdef CTXHEAP_WORKLOAD_BARE_HOOKS
// The floor under any hook-based tagger: tcmalloc with hooks that do nothing, or (with
// CTXHEAP_BARE_HOOK_RMW=1) one atomic read-modify-write each, like any shared-table update.
#include <gperftools/malloc_hook_c.h>
namespace {
alignas(64) std::atomic<std::uint64_t> g_events{0};
bool g_rmw = false;
void bare_new(const void*, std::size_t) {
  if (g_rmw) g_events.fetch_add(1, std::memory_order_relaxed);
}
void bare_delete(const void*) {
  if (g_rmw) g_events.fetch_add(1, std::memory_order_relaxed);
}
[[gnu::constructor]] void install_bare_hooks() {
  g_rmw = std::getenv("CTXHEAP_BARE_HOOK_RMW") != nullptr;
  MallocHook_AddNewHook(&bare_new);
  MallocHook_AddDeleteHook(&bare_delete);
}
}  // namespace
#endif

namespace {

constexpr std::size_t kWindow = 4096;

std::uint64_t run_thread(std::uint64_t pairs, std::uint64_t seed) {
  std::vector<unsigned char*> window(kWindow, nullptr);
  std::vector<std::size_t> sizes(kWindow, 0);
  std::uint64_t x = seed | 1, checksum = 0;
  for (std::uint64_t i = 0; i < pairs; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // log-uniform in [16, 65536]
    const auto size = static_cast<std::size_t>(16.0 * std::exp2(static_cast<double>(x % 4096) / 4096.0 * 12.0));
    const std::size_t slot = (x >> 20) % kWindow;
    if (window[slot] != nullptr) {
      checksum += window[slot][0] + window[slot][sizes[slot] - 1];
      std::free(window[slot]);
    }
    auto* p = static_cast<unsigned char*>(std::malloc(size));
    p[0] = static_cast<unsigned char>(i);
    p[size - 1] = static_cast<unsigned char>(size);
    window[slot] = p;
    sizes[slot] = size;
  }
  for (std::size_t s = 0; s < kWindow; ++s) {
    if (window[s]) checksum += window[s][0];
    std::free(window[s]);
  }
  return checksum;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const std::uint64_t pairs = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 3'000'000;
  const std::uint64_t hold = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 0;
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "workload");
#endif
  std::atomic<std::uint64_t> checksum{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
      ctxheap::CurrentScope scope(ctx);
#endif
      checksum += run_thread(pairs / static_cast<std::uint64_t>(threads), 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(t + 1));
    });
  }
  for (auto& th : pool) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("seconds=%.4f checksum=%llu\n", seconds, static_cast<unsigned long long>(checksum.load()));
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
  if (hold > 0) {
    std::vector<void*> held(hold);
    {
      ctxheap::CurrentScope scope(ctx);
      for (auto& p : held) p = std::malloc(16 + (reinterpret_cast<std::uintptr_t>(&p) >> 3) % 240);
    }
    const auto t = ctxheap::collector::totals();
    std::printf("side_table_bytes_per_block=%.2f live_blocks=%llu\n",
                static_cast<double>(t.side_table_bytes) / static_cast<double>(t.tagged_live_blocks),
                static_cast<unsigned long long>(t.tagged_live_blocks));
    for (void* p : held) std::free(p);
  }
  cancel();
#else
  (void)hold;
#endif
  return 0;
}
