// Where a reader's bytes come from: a file, a pipe, memory. The snapshot reader takes
// any ByteStream, so standard input is read as it arrives, never copied to a file.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ctxheap::format {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Up to `size` bytes into `dst`; 0 only at the end of the stream. A read error is
  /// an exception, which the reader lets through unchanged.
  virtual std::size_t read(void* dst, std::size_t size) = 0;
  /// How many bytes the stream holds from its start, when that is known before reading
  /// (a regular file's size); 0 when it is not (a pipe).
  virtual std::uint64_t size() const noexcept { return 0; }
};

}  // namespace ctxheap::format
