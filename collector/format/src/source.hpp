// Where body bytes come from: straight from the file, or through a zstd
// stream. Sources know nothing of records (framing lives in record_stream.*).
#pragma once

#include <cstddef>
#include <memory>

#include "file_io.hpp"

namespace ctxheap::format::detail {

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

std::unique_ptr<BodySource> make_raw_source(InputFile& file);
std::unique_ptr<BodySource> make_zstd_source(InputFile& file);

}  // namespace ctxheap::format::detail
