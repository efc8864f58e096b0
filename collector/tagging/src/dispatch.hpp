// How allocations reach the tagging path: the collector's own malloc/operator new entry
// points (interposer.cpp) or tcmalloc's MallocHook API (hooks.cpp). Chosen once, at install.
#pragma once

#include <atomic>
#include <cstdint>

namespace ctxheap::collector {

enum class Dispatch : unsigned char { None, Interposed, Hooks };

/// Set once by install; the entry points tag only while it is Interposed (in hook mode
/// they forward to tcmalloc, whose hooks tag). Read relaxed on every allocation (a plain
/// byte load on x86); written with release, after everything tagging reads is set up.
[[gnu::visibility("hidden")]] extern std::atomic<Dispatch> g_dispatch;
inline void set_dispatch(Dispatch d) noexcept { g_dispatch.store(d, std::memory_order_release); }
inline Dispatch dispatch_now() noexcept { return g_dispatch.load(std::memory_order_relaxed); }

/// What the collector's own entry points do, read (one relaxed byte load) by every one of
/// them: Forward (not installed, or hook dispatch: call tcmalloc only), ExactHeaders (tag
/// every block, its owner in a header in front of it: block_headers.hpp; the default),
/// ExactTable (tag every block, its owner in the side table: CTXHEAP_EXACT_OWNER=table),
/// Sampled (sampled-only mode: a thread-local countdown on allocation; sampled
/// blocks are served with a header so a free tells them by address, sampled_blocks.hpp),
/// SampledFiltered (as Sampled, while some over-aligned sampled block, which has no header,
/// is live: frees also probe the sampled-block filter).
enum class EntryMode : unsigned char { Forward, ExactHeaders, ExactTable, Sampled, SampledFiltered };
inline constexpr bool is_exact(EntryMode m) noexcept { return m == EntryMode::ExactHeaders || m == EntryMode::ExactTable; }
[[gnu::visibility("hidden")]] extern std::atomic<EntryMode> g_entry_mode;
/// The free fast path's test, one word for every mode: a free leaves the fast path when
/// (address % 1024) - 16, unsigned, is at most this: in Sampled mode 0 (only blocks at the
/// sampled-block offset, sampled_blocks.hpp), in every other mode the largest value (all).
[[gnu::visibility("hidden")]] extern std::atomic<std::uintptr_t> g_free_window;
inline void set_entry_mode(EntryMode m) noexcept {
  g_free_window.store(m == EntryMode::Sampled ? 0 : UINTPTR_MAX, std::memory_order_release);
  g_entry_mode.store(m, std::memory_order_release);
}
inline EntryMode entry_mode() noexcept { return g_entry_mode.load(std::memory_order_relaxed); }

/// Whether the collector's entry points are in this program at all (false in sanitizer
/// builds, where the sanitizer owns malloc).
bool interposer_linked() noexcept;
/// Whether the process's malloc and operator new resolve to the collector's entry points
/// (not to libtcmalloc's or libc's, which an earlier library in the link order would give).
bool interposer_owns_malloc() noexcept;
/// Registers the tagging path as tcmalloc's new/delete hooks.
bool install_hooks() noexcept;

}  // namespace ctxheap::collector
