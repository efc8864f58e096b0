// The fixed 16-byte file header: magic, u32 LE version, u32 LE flags.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "ctxheap/format/schema.hpp"

namespace ctxheap::format::detail {

struct Header {
  std::uint32_t version = kFormatVersion;
  std::uint32_t flags = 0;
};

std::array<unsigned char, kHeaderSize> encode_header(const Header& header);

/// Decodes and checks a header: magic, version not newer than kFormatVersion,
/// no unknown flags. `bytes` is what the file holds (possibly fewer than 16).
/// Throws DecodeError with a one-line reason.
Header decode_header(std::span<const unsigned char> bytes);

}  // namespace ctxheap::format::detail
