// Synthetic ctxheap snapshots of any size, for benchmarks (the analyzer's and the GUI's).
// Streams through the format module's SnapshotWriter, so a 1M-context file is written without
// holding it in memory. Deterministic: the same shape and seed give the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace ctxheap_bench {

enum class TreeShape : std::uint8_t {
  /// A few long-lived server parents, each holding a large children set of request
  /// contexts (value context -> cancel child registered under the server), like a real
  /// handler leak. Depth ≤ 4.
  Wide,
  /// The same requests, but a share of them hang in long derivation chains (each link a
  /// cancel child registered under the previous link), as nested middleware does.
  /// Depth reaches `chain_length`.
  Deep,
};

std::string_view to_string(TreeShape shape) noexcept;

struct SyntheticShape {
  std::uint64_t contexts = 10'000;   ///< total context records (exact)
  TreeShape shape = TreeShape::Wide;
  std::uint32_t parents = 8;         ///< long-lived server contexts
  std::uint32_t chain_length = 1'000;  ///< Deep: links per chain
  /// Sampled sites: one (context, allocation stack) pair per request context, so the
  /// number of sites is about the number of contexts.
  std::uint32_t creation_sites = 64;   ///< distinct creation stacks of request contexts
  std::uint32_t alloc_stacks = 4'096;  ///< distinct allocation stacks
  std::uint32_t stack_depth = 12;      ///< frames per stack
  std::uint64_t seed = 1;
};

struct SyntheticStats {
  std::uint64_t contexts = 0;
  std::uint64_t sites = 0;
  std::uint64_t stacks = 0;
  std::uint64_t stale = 0;          ///< live, registered, cancel dropped (the generator's truth)
  std::uint64_t max_depth = 0;      ///< longest root-to-leaf derivation path
  std::uint64_t file_bytes = 0;
};

/// Writes one snapshot with exactly shape.contexts contexts (at least parents + 2).
/// Throws std::invalid_argument on an impossible shape, and what SnapshotWriter throws.
SyntheticStats write_synthetic_snapshot(const std::filesystem::path& path, const SyntheticShape& shape);

}  // namespace ctxheap_bench
