// The readers of other tools' heap profiles, from bytes in memory: gperftools' text heap
// profiles and pprof's profile.proto (gzipped or raw). load_profile() and
// read_profile_bytes() dispatch to them; fuzz targets and tests call them directly. Every reader is bounded by
// ReaderLimits and turns any bad input into one LoadError line "name: what is wrong".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer {

/// Limits on what a reader accepts (docs/interop.md). Defaults fit real profiles with
/// room to spare; over a limit is a LoadError, never a partial profile.
struct ReaderLimits {
  std::size_t max_line_bytes = 1u << 20;              ///< one text line (gperftools)
  std::size_t max_frames = 4096;                      ///< frames of one stack
  std::uint64_t max_records = 50'000'000;             ///< records / samples / locations
  /// Inflated size of a gzipped input: at most this, and at most
  /// max_inflate_ratio times the compressed size plus 64 KiB (deflate cannot do better
  /// than about 1032:1, so a larger ratio is a bomb, not a profile).
  std::uint64_t max_inflated_bytes = 1ull << 30;
  std::uint64_t max_inflate_ratio = 1100;
};

struct ReadOptions {
  /// Used as the file name in messages and as meta.source_path.
  std::string name = "<memory>";
  ReaderLimits limits{};
  /// gperftools: resolve addresses with the mapped files' debug info when they exist
  /// here (libdw). Off, frames keep address and module + offset only.
  bool symbolize = true;
  /// Go heap profiles: run the context-leak recognizer (golang.hpp).
  bool recognize_go_contexts = true;
  LoadOptions load{};
};

/// A gperftools heap profile ("heap profile: ... @ heapprofile | heap | heap_v2/N |
/// growthz"), records then MAPPED_LIBRARIES. Throws LoadError or Cancelled.
Profile read_gperftools_heap(std::string_view text, const ReadOptions& options = {});

/// A pprof profile.proto, gzipped or raw: Go heap profiles (alloc/inuse objects/space)
/// and goroutine profiles. Throws LoadError or Cancelled.
Profile read_pprof(std::span<const std::byte> bytes, const ReadOptions& options = {});

/// Go's legacy text heap profile (runtime/pprof debug=1: "heap profile: ... @ heap/P",
/// frames on "#" lines), scaled as Go scales its proto profile (period P/2), then the Go
/// context recognizer. Throws LoadError or Cancelled.
Profile read_go_heap_text(std::string_view text, const ReadOptions& options = {});

/// Go's legacy text goroutine profile ("goroutine profile: total N"). Throws LoadError
/// or Cancelled.
Profile read_go_goroutine_text(std::string_view text, const ReadOptions& options = {});

/// Detects the format of `bytes` by content and reads it with its reader: the same one
/// dispatch as load_profile, ctxheap snapshots included. Throws LoadError or Cancelled.
Profile read_profile_bytes(std::span<const std::byte> bytes, const ReadOptions& options = {});

/// Sees each piece of inflated data as it is produced; throws LoadError to stop.
using InflateCheck = std::function<void(std::string_view piece)>;

/// Inflates gzip (or zlib) data within the limits, into a buffer of exactly the
/// inflated size (a first pass counts; `check`, when given, sees the bytes then, so a
/// reader can refuse what its format cannot hold before anything is kept). Throws
/// LoadError naming `name`.
std::string gunzip(std::span<const std::byte> compressed, std::string_view name, const ReaderLimits& limits,
                   const InflateCheck& check = {});

}  // namespace ctxheap::analyzer
