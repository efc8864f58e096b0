// Which format an input is, from its first bytes, never from its name. The analyzer's
// input edge (load_profile, read_profile_bytes) sniffs once with this and dispatches.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace ctxheap::analyzer {

enum class InputFormat {
  CtxheapSnapshot,  ///< the snapshot magic (format::has_snapshot_magic)
  HeapText,         ///< "heap profile:" or "heap_v2/": gperftools, or Go's debug=1 heap text
  GoroutineText,    ///< "goroutine profile:" (Go's debug=1 goroutine text)
  PprofGzip,        ///< gzip (1f 8b); assumed to hold a profile.proto
  PprofRaw,         ///< uncompressed profile.proto (best-effort heuristic)
  Unknown,
};

/// How many leading bytes sniff_format wants to see to decide.
inline constexpr std::size_t kSniffBytes = 64;

std::string_view to_string(InputFormat format) noexcept;

/// Decides from the leading bytes of an input; kSniffBytes are enough, fewer may give
/// Unknown. Never reads past `head`.
InputFormat sniff_format(std::span<const std::byte> head) noexcept;

/// Whether `head` plausibly starts a serialized perftools.profiles.Profile (the
/// PprofRaw heuristic; also applied to the first inflated bytes of a gzipped input).
bool looks_like_raw_pprof(std::span<const std::byte> head) noexcept;

}  // namespace ctxheap::analyzer
