// Bounded gzip inflation: a gzip bomb stops at the limit instead of filling memory.
// Two passes over the compressed bytes: the first counts (and lets the caller check the
// bytes as they come, so a bomb of zeros stops at its first bytes), the second fills a
// buffer of exactly that size: memory is the inflated size, never a doubling past it.
#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ctxheap/analyzer/readers.hpp"

namespace ctxheap::analyzer {
namespace {

class Inflater {
 public:
  explicit Inflater(std::string_view name) : name_(name) {
    // 15 + 32: zlib detects gzip or zlib headers.
    if (inflateInit2(&z_, 15 + 32) != Z_OK) throw LoadError(std::string(name) + ": cannot start zlib");
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  /// Inflates all of `compressed`, handing each piece to sink(data, size); refuses to
  /// produce more than `cap` bytes. Returns the inflated size.
  template <class Sink>
  std::uint64_t run(std::span<const std::byte> compressed, std::uint64_t cap, Sink&& sink) {
    std::vector<char> out(1 << 16);
    std::size_t consumed = 0;
    std::uint64_t produced = 0;
    for (;;) {
      const std::size_t in_chunk = std::min<std::size_t>(compressed.size() - consumed, 1u << 30);
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(compressed.data() + consumed));
      z_.avail_in = static_cast<uInt>(in_chunk);
      z_.next_out = reinterpret_cast<Bytef*>(out.data());
      z_.avail_out = static_cast<uInt>(out.size());
      const int rc = inflate(&z_, Z_NO_FLUSH);
      consumed += in_chunk - z_.avail_in;
      const std::size_t got = out.size() - z_.avail_out;
      if (produced + got > cap) {
        throw LoadError(std::string(name_) + ": gzip data inflates beyond the limit of " + std::to_string(cap) +
                        " bytes (compressed " + std::to_string(compressed.size()) + " bytes)");
      }
      produced += got;
      if (got != 0) sink(out.data(), got);
      if (rc == Z_STREAM_END) {
        // Concatenated gzip members are one stream (gzip -c a b).
        if (consumed < compressed.size() && inflateReset(&z_) == Z_OK) continue;
        return produced;
      }
      if (rc == Z_BUF_ERROR && consumed >= compressed.size() && z_.avail_out != 0) {
        throw LoadError(std::string(name_) + ": truncated gzip data (the stream ends after " +
                        std::to_string(consumed) + " bytes without its end marker)");
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        const std::string why = z_.msg != nullptr ? z_.msg : "error " + std::to_string(rc);
        throw LoadError(std::string(name_) + ": corrupt gzip data at compressed byte " + std::to_string(consumed) +
                        ": " + why);
      }
    }
  }

 private:
  std::string_view name_;
  z_stream z_{};
};

}  // namespace

std::string gunzip(std::span<const std::byte> compressed, std::string_view name, const ReaderLimits& limits,
                   const InflateCheck& check) {
  const std::uint64_t ratio_cap = limits.max_inflate_ratio * compressed.size() + (64u << 10);
  const std::uint64_t cap = std::min(limits.max_inflated_bytes, ratio_cap);
  const std::uint64_t size = Inflater(name).run(compressed, cap, [&](const char* data, std::size_t n) {
    if (check) check(std::string_view(data, n));
  });
  std::string out;
  out.reserve(static_cast<std::size_t>(size));
  Inflater(name).run(compressed, size, [&](const char* data, std::size_t n) { out.append(data, n); });
  return out;
}

}  // namespace ctxheap::analyzer
