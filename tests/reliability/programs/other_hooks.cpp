// Another malloc hook is installed before the collector's (by a shared library's
// load-time constructor, programs/first_hook.cpp, with the list API and the legacy
// single-hook API) and one after it (in main). Every hook must see every allocation and the collector's counters must stay
// exact. Exit 0 when they do; robustness_test.cpp runs it with each exact-mode owner record:
// with block headers (the default) tcmalloc's hooks see each block with the collector's
// 16-byte header in front (docs/collector.md), with CTXHEAP_EXACT_OWNER=table as asked.
#include <gperftools/malloc_hook.h>
#include <gperftools/malloc_hook_c.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"

extern "C" {
bool first_hook_installed();
void first_hook_count(std::size_t marker);
long first_hook_news();
long first_hook_deletes();
long first_hook_legacy_news();
}

namespace {

constexpr std::size_t kMarker = 4093;  // a size nothing else allocates
constexpr std::size_t kHeader = 16;    // docs/collector.md, "Exact mode's block headers"

/// The size tcmalloc's hooks see for a malloc(kMarker).
std::size_t hooked_size() {
  const char* owner = std::getenv("CTXHEAP_EXACT_OWNER");
  const bool table = owner != nullptr && std::string_view(owner) == "table";
  return table ? kMarker : kMarker + kHeader;
}
std::size_t g_hooked_size = 0;
std::atomic<long> g_last_new{0};
void* volatile g_sink;

void last_new(const void*, size_t size) {
  if (size == g_hooked_size) g_last_new.fetch_add(1, std::memory_order_relaxed);
}

int fail(const char* what, long got, long want) {
  std::fprintf(stderr, "other_hooks: %s: %ld, want %ld\n", what, got, want);
  return 1;
}

}  // namespace

int main() {
  if (!ctxheap::collector::installed()) return fail("collector installed", 0, 1);
  if (!first_hook_installed()) return fail("first library's hooks installed", 0, 1);
  g_hooked_size = hooked_size();
  first_hook_count(g_hooked_size);
  MallocHook_AddNewHook(last_new);
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "hooked");
  const auto before = ctxheap::collector::counters(ctx.id()).value_or(ctxheap::collector::Counters{});
  constexpr long kBlocks = 1000;
  {
    ctxheap::CurrentScope scope(ctx);
    for (long i = 0; i < kBlocks; ++i) {
      void* p = std::malloc(kMarker);
      g_sink = p;
      std::free(p);
    }
  }
  const auto after = ctxheap::collector::counters(ctx.id()).value();
  cancel();
  if (first_hook_news() != kBlocks) return fail("hook installed before the collector", first_hook_news(), kBlocks);
  if (first_hook_deletes() < kBlocks) return fail("delete hook installed before the collector", first_hook_deletes(), kBlocks);
  if (first_hook_legacy_news() != kBlocks) return fail("legacy single hook", first_hook_legacy_news(), kBlocks);
  if (g_last_new.load() != kBlocks) return fail("hook installed after the collector", g_last_new.load(), kBlocks);
  const auto allocs = static_cast<long>(after.alloc_objects - before.alloc_objects);
  const auto frees = static_cast<long>(after.free_objects - before.free_objects);
  if (allocs != kBlocks) return fail("collector allocations", allocs, kBlocks);
  if (frees != kBlocks) return fail("collector frees", frees, kBlocks);
  if (ctxheap::collector::totals().hook_reentries != 0) return fail("hook re-entries", 1, 0);
  return 0;
}
