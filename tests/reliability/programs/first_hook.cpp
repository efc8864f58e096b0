// A shared library that installs malloc hooks from its load-time constructor. Shared
// libraries are initialised before the executable, so these hooks are in place before
// the collector (linked into the executable) installs its own: "another malloc hook is
// already installed". Counts allocations of one marker size.
#include <gperftools/malloc_hook.h>
#include <gperftools/malloc_hook_c.h>

#include <atomic>
#include <cstddef>

namespace {

std::atomic<std::size_t> g_marker{0};
std::atomic<long> g_news{0}, g_deletes{0}, g_legacy_news{0};
std::atomic<bool> g_installed{false};

void on_new(const void*, size_t size) {
  if (size == g_marker.load(std::memory_order_relaxed)) g_news.fetch_add(1, std::memory_order_relaxed);
}
void on_delete(const void* p) {
  if (p != nullptr) g_deletes.fetch_add(1, std::memory_order_relaxed);
}
void on_new_legacy(const void*, size_t size) {
  if (size == g_marker.load(std::memory_order_relaxed)) g_legacy_news.fetch_add(1, std::memory_order_relaxed);
}

[[gnu::constructor]] void install_first() {
  MallocHook_AddNewHook(on_new);
  MallocHook_AddDeleteHook(on_delete);
  MallocHook::SetNewHook(on_new_legacy);  // the legacy single-hook API, still in use
  g_installed.store(true);
}

}  // namespace

extern "C" {
bool first_hook_installed() { return g_installed.load(); }
void first_hook_count(std::size_t marker) { g_marker.store(marker); }
long first_hook_news() { return g_news.load(); }
long first_hook_deletes() { return g_deletes.load(); }
long first_hook_legacy_news() { return g_legacy_news.load(); }
}
