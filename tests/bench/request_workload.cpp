// A second allocation workload for the collector benchmarks, written apart from
// alloc_workload.cpp and shaped like a request server rather than a malloc loop: each worker
// thread runs under its own context and allocates with operator new/delete, mostly small
// objects (8-128 B: nodes, short strings), some medium buffers (512 B - 8 KiB), rarely a
// large one (32-128 KiB), keeping a FIFO live set of 25,000 objects per worker, so frees come
// long after their allocation. Built against tcmalloc alone and against the collector.
//
// Usage: request_workload THREADS OPERATIONS
//   prints "seconds=<wall> checksum=<n> cpu_seconds=<user + system, all threads>"
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#ifdef CTXHEAP_WORKLOAD_COLLECTOR
#include <gperftools/nallocx.h>

#include "ctxheap/context/all.hpp"
#endif

namespace {

constexpr std::size_t kLive = 25'000;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

struct Block {
  unsigned char* data;
  std::size_t size;
};

// Size mix: 85 % small, 14 % medium, 1 % large (a linear congruential draw, not xorshift).
std::size_t next_size(std::uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  const std::uint64_t r = state >> 33;
  const std::uint64_t pick = r % 100;
  if (pick < 85) return 8 + (r >> 7) % 121;
  if (pick < 99) return 512 + (r >> 7) % (8192 - 512);
  return 32768 + (r >> 7) % (131072 - 32768);
}

#ifdef CTXHEAP_WORKLOAD_COLLECTOR
// CTXHEAP_WORKLOAD_HEADER_BYTES=1: what a block header (16 bytes more asked of tcmalloc,
// block_headers.hpp) costs the live set at the end, nallocx(size + 16) - nallocx(size) per block.
std::atomic<std::uint64_t> g_header_bytes{0}, g_live_blocks{0};
#endif

std::uint64_t serve(std::uint64_t operations, std::uint64_t seed) {
  std::vector<Block> live(kLive, Block{nullptr, 0});
  std::uint64_t state = seed, checksum = 0;
  std::size_t head = 0;
  for (std::uint64_t i = 0; i < operations; ++i) {
    Block& b = live[head];
    head = head + 1 == kLive ? 0 : head + 1;
    if (b.data != nullptr) {
      checksum += b.data[0] ^ b.data[b.size - 1];
      ::operator delete(b.data, b.size);
    }
    b.size = next_size(state);
    b.data = static_cast<unsigned char*>(::operator new(b.size));
    b.data[0] = static_cast<unsigned char>(i);
    b.data[b.size - 1] = static_cast<unsigned char>(b.size);
  }
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
  if (std::getenv("CTXHEAP_WORKLOAD_HEADER_BYTES") != nullptr) {
    for (const Block& b : live)
      if (b.data != nullptr) {
        g_header_bytes += nallocx(b.size + 16, 0) - nallocx(b.size, 0);
        g_live_blocks += 1;
      }
  }
#endif
  for (Block& b : live)
    if (b.data != nullptr) ::operator delete(b.data, b.size);
  return checksum;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 3;
  const std::uint64_t operations = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 3'000'000;
  std::atomic<std::uint64_t> checksum{0};
  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
      auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "worker");
      ctxheap::CurrentScope scope(ctx);
#endif
      checksum += serve(operations / static_cast<std::uint64_t>(threads), 0x2545f4914f6cdd1dULL + static_cast<std::uint64_t>(t));
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
      cancel();
#endif
    });
  }
  for (auto& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("seconds=%.4f checksum=%llu cpu_seconds=%.4f\n", seconds, static_cast<unsigned long long>(checksum.load()),
              cpu_seconds() - cpu_start);
#ifdef CTXHEAP_WORKLOAD_COLLECTOR
  if (g_live_blocks.load() > 0)
    std::printf("header_bytes_per_live_block=%.2f live_blocks=%llu\n",
                static_cast<double>(g_header_bytes.load()) / static_cast<double>(g_live_blocks.load()),
                static_cast<unsigned long long>(g_live_blocks.load()));
#endif
  return 0;
}
