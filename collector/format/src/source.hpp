// Where body bytes come from: straight from the input, or through a zstd
// stream. Sources know nothing of records (framing lives in framing.*).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ctxheap/format/byte_stream.hpp"

namespace ctxheap::format::detail {

/// The reader's input with a count of the bytes taken from it (for progress and
/// messages).
class CountingInput {
 public:
  explicit CountingInput(ByteStream& in) : in_(in) {}
  std::size_t read(void* dst, std::size_t size) {
    const std::size_t got = in_.read(dst, size);
    position_ += got;
    return got;
  }
  std::uint64_t position() const noexcept { return position_; }
  /// 0 when unknown (a pipe).
  std::uint64_t size() const noexcept { return in_.size(); }

 private:
  ByteStream& in_;
  std::uint64_t position_ = 0;
};

class BodySource {
 public:
  virtual ~BodySource() = default;
  /// Up to `size` body bytes; 0 only when the input is exhausted. Throws
  /// DecodeError on corrupt compressed data.
  virtual std::size_t read(void* dst, std::size_t size) = 0;
  /// After read() returned 0: whether the input ended at a clean boundary
  /// (for zstd: at the end of a complete frame).
  virtual bool ended_cleanly() const noexcept = 0;
};

std::unique_ptr<BodySource> make_raw_source(CountingInput& input);
/// A zstd body: data frames are decoded, skippable frames skipped as they are read
/// (never buffered). Its memory is bounded by what the compressed bytes justify: a
/// frame declaring more content than kMaxExpansionRatio times the input can hold, or
/// output running past that ratio of the data-frame bytes read so far (beyond
/// kMinBodyAllowance), is a DecodeError before the bytes are produced.
std::unique_ptr<BodySource> make_zstd_source(CountingInput& input);

}  // namespace ctxheap::format::detail
