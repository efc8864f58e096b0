// A program that links the collector one way or another (see tests/collector/CMakeLists.txt)
// and reports what it saw: which dispatch feeds the collector and what one context was
// charged for 1000 blocks of 48 bytes.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"

int main() {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "probe");
  const auto before = ctxheap::collector::counters(ctx.id()).value_or(ctxheap::collector::Counters{});
  std::vector<void*> blocks(1000);
  {
    ctxheap::CurrentScope scope(ctx);
    for (void*& p : blocks) p = std::malloc(48);
  }
  const auto after = ctxheap::collector::counters(ctx.id()).value_or(ctxheap::collector::Counters{});
  for (void* p : blocks) std::free(p);
  std::printf("dispatch=%.*s objects=%llu bytes=%llu\n", static_cast<int>(ctxheap::collector::dispatch().size()),
              ctxheap::collector::dispatch().data(),
              static_cast<unsigned long long>(after.alloc_objects - before.alloc_objects),
              static_cast<unsigned long long>(after.alloc_bytes - before.alloc_bytes));
  cancel();
  return 0;
}
