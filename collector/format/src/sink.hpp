// Where body bytes go: straight to the file, or through a zstd stream.
// Sinks know nothing of records (record framing lives in writer.cpp).
#pragma once

#include <cstddef>
#include <memory>

#include "file_io.hpp"

namespace ctxheap::format::detail {

class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual void write(const void* data, std::size_t size) = 0;
  /// Flushes everything buffered (and ends the zstd frame). Call once, last.
  virtual void finish() = 0;
};

std::unique_ptr<BodySink> make_raw_sink(OutputFile& file);
/// Throws std::runtime_error if zstd cannot be set up.
std::unique_ptr<BodySink> make_zstd_sink(OutputFile& file, int level);

}  // namespace ctxheap::format::detail
