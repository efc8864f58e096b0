// Bounded gzip inflation: a gzip bomb stops at the limit instead of filling memory.
#include <zlib.h>

#include <algorithm>
#include <string>

#include "ctxheap/analyzer/readers.hpp"

namespace ctxheap::analyzer {

std::string gunzip(std::span<const std::byte> compressed, std::string_view name, const ReaderLimits& limits) {
  const std::uint64_t ratio_cap = limits.max_inflate_ratio * compressed.size() + (64u << 10);
  const std::uint64_t cap = std::min(limits.max_inflated_bytes, ratio_cap);
  z_stream z{};
  // 15 + 32: zlib detects gzip or zlib headers.
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw LoadError(std::string(name) + ": cannot start zlib");
  std::string out;
  out.resize(std::min<std::uint64_t>(cap, std::max<std::uint64_t>(4096, compressed.size() * 4)));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(compressed.data()));
  std::size_t consumed = 0;
  std::size_t produced = 0;
  int rc = Z_OK;
  for (;;) {
    const std::size_t in_chunk = std::min<std::size_t>(compressed.size() - consumed, 1u << 30);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(compressed.data() + consumed));
    z.avail_in = static_cast<uInt>(in_chunk);
    if (produced == out.size()) {
      if (out.size() >= cap) {
        inflateEnd(&z);
        throw LoadError(std::string(name) + ": gzip data inflates beyond the limit of " + std::to_string(cap) +
                        " bytes (compressed " + std::to_string(compressed.size()) + " bytes)");
      }
      out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(cap, out.size() * 2)));
    }
    const std::size_t room = std::min<std::size_t>(out.size() - produced, 1u << 30);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = static_cast<uInt>(room);
    rc = inflate(&z, Z_NO_FLUSH);
    consumed += in_chunk - z.avail_in;
    produced += room - z.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are one stream (gzip -c a b).
      if (consumed < compressed.size() && inflateReset(&z) == Z_OK) continue;
      break;
    }
    if (rc == Z_BUF_ERROR && consumed >= compressed.size() && z.avail_out != 0) {
      inflateEnd(&z);
      throw LoadError(std::string(name) + ": truncated gzip data (the stream ends after " + std::to_string(consumed) +
                      " bytes without its end marker)");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      const std::string why = z.msg != nullptr ? z.msg : "error " + std::to_string(rc);
      inflateEnd(&z);
      throw LoadError(std::string(name) + ": corrupt gzip data at compressed byte " + std::to_string(consumed) + ": " + why);
    }
  }
  inflateEnd(&z);
  out.resize(produced);
  return out;
}

}  // namespace ctxheap::analyzer
