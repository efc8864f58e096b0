// The snapshot file's fixed constants: magic, version, header flags and the
// reader's limits. This header and proto/ctxheap_snapshot.proto are the only
// places the format is defined; docs/snapshot-format.md describes both.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ctxheap::format {

/// First 8 bytes of every snapshot. 0x89 is not ASCII and not a valid first
/// byte of UTF-8, so the file is never taken for text; it also differs from
/// the gzip (1f 8b) and zstd (28 b5 2f fd) magics.
inline constexpr std::array<unsigned char, 8> kMagic = {0x89, 'C', 'T', 'X', 'H', 'E', 'A', 'P'};

/// The version this code writes, and the newest it reads. Bumped only for
/// changes an older reader would misread (see the .proto's compatibility rules).
inline constexpr std::uint32_t kFormatVersion = 1;

/// Header: magic, u32 LE version, u32 LE flags.
inline constexpr std::size_t kHeaderSize = 16;

/// Header flag bits. Any other bit set makes the file unreadable by this version.
inline constexpr std::uint32_t kFlagZstd = 1u << 0;  ///< body is one zstd stream
inline constexpr std::uint32_t kKnownFlags = kFlagZstd;

// --- Reader limits: what hostile or corrupt input may make a reader do. ---

/// Largest record payload accepted (and written). The writer splits string
/// tables into chunks well below it.
inline constexpr std::uint64_t kMaxRecordBytes = 64ull << 20;
/// Longest string accepted in any text field.
inline constexpr std::uint64_t kMaxStringBytes = 1ull << 20;
/// Most frames accepted in one stack.
inline constexpr std::uint64_t kMaxFramesPerStack = 4096;
/// The decompressed body may be at most this many times the compressed body...
inline constexpr std::uint64_t kMaxExpansionRatio = 1024;
/// ...but small files may always expand to this much...
inline constexpr std::uint64_t kMinBodyAllowance = 16ull << 20;
/// ...and no body, compressed or not, may exceed this.
inline constexpr std::uint64_t kMaxBodyBytes = 16ull << 30;
/// zstd window the reader will allocate at most (log2 bytes). The writer's
/// compression levels are clamped so that they stay within it.
inline constexpr int kMaxZstdWindowLog = 24;

/// Whether `head` (a file's first bytes) starts with kMagic. The analyzer's input edge
/// sniffs every format; this is the format module's own word on its magic.
inline bool has_snapshot_magic(std::span<const std::byte> head) noexcept {
  return head.size() >= kMagic.size() &&
         std::equal(kMagic.begin(), kMagic.end(), head.begin(),
                    [](unsigned char m, std::byte b) { return m == std::to_integer<unsigned char>(b); });
}

}  // namespace ctxheap::format
