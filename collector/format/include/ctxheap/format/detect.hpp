// Tells input formats apart by their first bytes, never by file name.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace ctxheap::format {

enum class InputFormat {
  CtxheapSnapshot,     ///< starts with kMagic
  GperftoolsHeapText,  ///< "heap profile:" or "heap_v2/"
  PprofGzip,           ///< gzip (1f 8b); assumed to hold a profile.proto
  PprofRaw,            ///< uncompressed profile.proto (best-effort heuristic)
  Unknown,
};

std::string_view to_string(InputFormat format) noexcept;

/// Decides from the leading bytes of a file; kDetectBytes bytes are enough, fewer
/// may give Unknown. Never reads past `head`.
InputFormat detect_format(std::span<const std::byte> head) noexcept;

/// Reads the first kDetectBytes of `path` and calls detect_format. Throws
/// FormatError if the file cannot be opened or read.
InputFormat detect_file_format(const std::filesystem::path& path);

}  // namespace ctxheap::format
