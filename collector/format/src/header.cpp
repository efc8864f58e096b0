#include "header.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "decode_error.hpp"

namespace ctxheap::format::detail {
namespace {

void put_u32le(unsigned char* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<unsigned char>(value >> (8 * i));
}

std::uint32_t get_u32le(const unsigned char* in) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(in[i]) << (8 * i);
  return value;
}

}  // namespace

std::array<unsigned char, kHeaderSize> encode_header(const Header& header) {
  std::array<unsigned char, kHeaderSize> out{};
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  put_u32le(out.data() + 8, header.version);
  put_u32le(out.data() + 12, header.flags);
  return out;
}

Header decode_header(std::span<const unsigned char> bytes) {
  if (bytes.empty()) throw DecodeError("empty file, not a ctxheap snapshot");
  const std::size_t magic_seen = std::min(bytes.size(), kMagic.size());
  if (!std::equal(kMagic.begin(), kMagic.begin() + static_cast<std::ptrdiff_t>(magic_seen),
                  bytes.begin())) {
    throw DecodeError("not a ctxheap snapshot (bad magic)");
  }
  if (bytes.size() < kHeaderSize) {
    throw DecodeError("truncated: the file ends inside the " + std::to_string(kHeaderSize) +
                      "-byte header (" + std::to_string(bytes.size()) + " bytes)");
  }
  Header header;
  header.version = get_u32le(bytes.data() + 8);
  header.flags = get_u32le(bytes.data() + 12);
  if (header.version == 0) throw DecodeError("corrupt header: format version 0");
  if (header.version > kFormatVersion) {
    throw DecodeError("snapshot format version " + std::to_string(header.version) +
                      " is newer than this reader (max " + std::to_string(kFormatVersion) + ")");
  }
  if ((header.flags & ~kKnownFlags) != 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%x", header.flags & ~kKnownFlags);
    throw DecodeError(std::string("unsupported header flags ") + hex + " (a newer writer?)");
  }
  return header;
}

}  // namespace ctxheap::format::detail
