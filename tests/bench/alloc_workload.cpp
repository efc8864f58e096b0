// The allocation workload of scripts/bench_collector.sh: threads doing alloc/free pairs of
// log-uniform sizes 16 B - 64 KiB over a window of live blocks, every block written and
// read so nothing is optimised away. Built four times: with glibc malloc, with tcmalloc,
// with tcmalloc and minimal hooks (the floors below), and with the ctxheap collector (the
// work then runs under a context).
//
// Usage: alloc_workload THREADS PAIRS [HOLD]
//   prints "seconds=<wall> checksum=<n> cpu_seconds=<user + system, all threads>"; with the
//   collector, HOLD small blocks are kept live at the end and "side_table_bytes_per_block=<x>"
//   is printed too; with the collector and CTXHEAP_WORKLOAD_HEADER_BYTES=1, each thread's
//   live window at the end is priced too: "header_bytes_per_live_block=<x>" is what a block
//   header costs each live block in tcmalloc memory, nallocx(size + 16) - nallocx(size),
//   averaged over the live blocks (block_headers.hpp: a headed block is asked of tcmalloc
//   16 bytes larger).
#include <sys/resource.h>

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
#include <gperftools/nallocx.h>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#endif
#ifdef CTXHEAP_WORKLOAD_BARE_HOOKS
// Floors under any hook-based tagger, selected by CTXHEAP_BARE_HOOK:
//   (unset)  tcmalloc with hooks that do nothing;
//   rmw      one atomic read-modify-write per event on a shared counter, like any shared
//            side-table update;
//   table    the least an exact tagger must do with no locked instruction: a per-thread
//            address -> (owner, size) table updated with plain stores (one cache-line bucket
//            probe per event) and per-thread counters. No growth, no cross-thread frees, no
//            context lookup, no slot counters, no sampling: a lower bound;
//   sampled  table, plus what any stack sampler must do at the collector's default mean
//            interval (512 KiB, a Poisson process over bytes): capture the stack.
#define UNW_LOCAL_ONLY
#include <gperftools/malloc_hook_c.h>
#include <libunwind.h>
#include <sys/mman.h>

#include <cmath>
#include <string_view>
namespace {
enum class Mode { Empty, Rmw, Table, Sampled };
Mode g_mode = Mode::Empty;
alignas(64) std::atomic<std::uint64_t> g_events{0};
// Table modes, printed at exit: blocks that found no room within kProbes buckets (a few
// hundred per 3M; skipping them only makes the floor lower), and frees not found.
std::atomic<std::uint64_t> g_lost{0};
std::atomic<std::uint64_t> g_missed{0};

struct ProtoTable {
  // 1,280 buckets of 5 entries, one cache line each: 80 KiB per thread, about 0.64 full at
  // this workload's 4,096 live blocks per thread; a full bucket spills into the next.
  static constexpr std::size_t kBuckets = 1280, kWays = 5, kProbes = 8;
  struct alignas(64) Bucket {
    std::atomic<std::uint64_t> keys[kWays];  // (address >> 3) << 20 | owner
    std::atomic<std::uint32_t> vals[kWays];  // size
  };
  Bucket b[kBuckets];
  std::uint64_t alloc_objects, alloc_bytes, free_objects, free_bytes;
  std::int64_t bytes_until_sample;
  std::uint64_t rng;
};
static_assert(sizeof(ProtoTable::Bucket) == 64);
constinit thread_local ProtoTable* t_table = nullptr;

constexpr std::uint64_t mix(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

ProtoTable* table() {
  if (t_table == nullptr) {
    void* m = mmap(nullptr, sizeof(ProtoTable), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) t_table = static_cast<ProtoTable*>(m);
  }
  return t_table;
}

[[gnu::noinline]] void sample(ProtoTable& t) {
  std::uint64_t& x = t.rng;
  if (x == 0) x = reinterpret_cast<std::uintptr_t>(&t) | 1;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  const double u = (static_cast<double>(x >> 11) + 1.0) / 9007199254740993.0;
  t.bytes_until_sample = static_cast<std::int64_t>(-std::log(u) * 524288.0);
  void* frames[64];
  const int n = unw_backtrace(frames, 64);
  g_events.store(reinterpret_cast<std::uintptr_t>(frames[n > 0 ? n - 1 : 0]), std::memory_order_relaxed);
}

void bare_new(const void* p, std::size_t size) {
  if (g_mode == Mode::Rmw) g_events.fetch_add(1, std::memory_order_relaxed);
  if (g_mode < Mode::Table) return;
  ProtoTable* t = table();
  if (t == nullptr) return;
  const std::uint64_t a = reinterpret_cast<std::uintptr_t>(p) >> 3;
  bool placed = false;
  for (std::size_t i = mix(a) % ProtoTable::kBuckets, n = 0; n < ProtoTable::kProbes && !placed;
       ++n, i = (i + 1) % ProtoTable::kBuckets) {
    ProtoTable::Bucket& b = t->b[i];
    for (std::size_t w = 0; w < ProtoTable::kWays; ++w) {
      if (b.keys[w].load(std::memory_order_relaxed) == 0) {
        b.vals[w].store(static_cast<std::uint32_t>(size), std::memory_order_relaxed);
        b.keys[w].store(a << 20 | 1, std::memory_order_release);
        placed = true;
        break;
      }
    }
  }
  if (!placed) [[unlikely]] g_lost.fetch_add(1, std::memory_order_relaxed);
  t->alloc_objects += 1;
  t->alloc_bytes += size;
  if (g_mode == Mode::Sampled && (t->bytes_until_sample -= static_cast<std::int64_t>(size)) < 0) sample(*t);
}

void bare_delete(const void* p) {
  if (g_mode == Mode::Rmw) g_events.fetch_add(1, std::memory_order_relaxed);
  if (g_mode < Mode::Table || t_table == nullptr) return;
  ProtoTable* t = t_table;
  const std::uint64_t a = reinterpret_cast<std::uintptr_t>(p) >> 3;
  for (std::size_t i = mix(a) % ProtoTable::kBuckets, n = 0; n < ProtoTable::kProbes;
       ++n, i = (i + 1) % ProtoTable::kBuckets) {
    ProtoTable::Bucket& b = t->b[i];
    for (std::size_t w = 0; w < ProtoTable::kWays; ++w) {
      const std::uint64_t k = b.keys[w].load(std::memory_order_relaxed);
      if (k != 0 && (k >> 20) == a) {
        t->free_bytes += b.vals[w].load(std::memory_order_relaxed);
        b.keys[w].store(0, std::memory_order_relaxed);
        t->free_objects += 1;
        return;
      }
    }
  }
  g_missed.fetch_add(1, std::memory_order_relaxed);  // rare: blocks from before the table
}

[[gnu::constructor]] void install_bare_hooks() {
  const char* m = std::getenv("CTXHEAP_BARE_HOOK");
  const std::string_view mode = m ? m : "";
  g_mode = mode == "rmw" ? Mode::Rmw : mode == "table" ? Mode::Table : mode == "sampled" ? Mode::Sampled : Mode::Empty;
  MallocHook_AddNewHook(&bare_new);
  MallocHook_AddDeleteHook(&bare_delete);
}
}  // namespace
#endif

namespace {

constexpr std::size_t kWindow = 4096;

// CPU time of the whole process (every thread, user + system): unlike wall time, it does not
// grow while other programs on the machine hold the cores.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

#ifdef CTXHEAP_WORKLOAD_COLLECTOR
std::atomic<std::uint64_t> g_header_bytes{0}, g_live_blocks{0};
#endif

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
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
  if (std::getenv("CTXHEAP_WORKLOAD_HEADER_BYTES") != nullptr) {
    for (std::size_t s = 0; s < kWindow; ++s)
      if (window[s] != nullptr) {
        g_header_bytes += nallocx(sizes[s] + 16, 0) - nallocx(sizes[s], 0);
        g_live_blocks += 1;
      }
  }
#endif
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
  const double cpu_start = cpu_seconds();
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
  const double cpu = cpu_seconds() - cpu_start;
  std::printf("seconds=%.4f checksum=%llu cpu_seconds=%.4f\n", seconds, static_cast<unsigned long long>(checksum.load()), cpu);
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
  if (g_live_blocks.load() > 0)
    std::printf("header_bytes_per_live_block=%.2f live_blocks=%llu\n",
                static_cast<double>(g_header_bytes.load()) / static_cast<double>(g_live_blocks.load()),
                static_cast<unsigned long long>(g_live_blocks.load()));
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
#ifdef CTXHEAP_WORKLOAD_BARE_HOOKS
  if (g_mode >= Mode::Table)
    std::printf("table_lost=%llu table_missed_frees=%llu\n", static_cast<unsigned long long>(g_lost.load()),
                static_cast<unsigned long long>(g_missed.load()));
#endif
  return 0;
}
