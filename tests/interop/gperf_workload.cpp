// A real program for the interop tests and benchmark: it runs under gperftools' heap
// profiler (linked tcmalloc) and dumps real heap profiles.
//   gperf_workload series <prefix>     three dumps; grow_cache grows, fixed_pool does not
//   gperf_workload wide <prefix> <d>   2^d distinct allocation stacks, all live, one dump
//                                      (d = 13 overflows gperftools' 1 MiB dump buffer)
#include <gperftools/heap-profiler.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::vector<void*> g_live;

/// Allocates and keeps a block. Inlined, so the allocating function is the caller's.
inline void* keep(std::size_t bytes) {
  void* p = std::malloc(bytes);
  std::memset(p, 1, bytes);
  g_live.push_back(p);
  return p;
}

[[gnu::noinline]] void grow_cache(int entries) {
  for (int i = 0; i < entries; ++i) g_live.push_back(std::memset(std::malloc(4096), 1, 4096));
}

[[gnu::noinline]] void fixed_pool() {
  static bool done = false;
  if (done) return;
  done = true;
  for (int i = 0; i < 64; ++i) g_live.push_back(std::memset(std::malloc(1024), 1, 1024));
}

/// Each level calls the next from one of two call sites, so every path of `bits` is a
/// distinct stack.
template <int Depth>
[[gnu::noinline]] void branch(unsigned bits) {
  if constexpr (Depth == 0) {
    keep(32 + (bits % 7) * 16);  // the leaf of 2^depth distinct stacks
  } else {
    if (bits & (1u << (Depth - 1))) {
      branch<Depth - 1>(bits);
    } else {
      branch<Depth - 1>(bits);
      asm volatile("" ::: "memory");  // keeps the two call sites apart
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: gperf_workload series|wide <prefix> [depth]\n";
    return 2;
  }
  const std::string mode = argv[1];
  g_live.reserve(1u << 17);  // before profiling: the records hold only the workload's blocks
  HeapProfilerStart(argv[2]);
  if (mode == "series") {
    fixed_pool();
    for (int round = 1; round <= 3; ++round) {
      grow_cache(200 * round);
      HeapProfilerDump("round");
    }
  } else if (mode == "wide") {
    const int depth = argc > 3 ? std::atoi(argv[3]) : 13;
    const unsigned paths = 1u << std::min(depth, 16);
    for (unsigned b = 0; b < paths; ++b) branch<16>(b);
    HeapProfilerDump("wide");
  } else {
    std::cerr << "unknown mode " << mode << '\n';
    return 2;
  }
  HeapProfilerStop();
  for (void* p : g_live) std::free(p);
  return 0;
}
