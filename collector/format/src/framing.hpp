// Record framing: each record is a varint payload length followed by the
// payload (one serialized wire::Record). This file owns the framing rules and
// the limits a length must respect; it knows nothing of what payloads mean.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "source.hpp"

namespace ctxheap::format::detail {

/// Appends `value` as a protobuf-style base-128 varint.
void append_varint(std::string& out, std::uint64_t value);

/// Reads framed records from a body source. Tracks the body offset (bytes of
/// decompressed body consumed) and refuses to read past `body_limit` body bytes.
/// Every error is a DecodeError saying which record and body offset.
class FramedReader {
 public:
  /// `body_limit`: most body bytes this file may hold (for a raw body, exactly
  /// its size; for zstd, the expansion budget). `compressed` only changes wording.
  FramedReader(BodySource& source, std::uint64_t body_limit, bool compressed);

  /// The next record's payload into `payload`. False if the body ended
  /// cleanly before a new record started.
  bool next(std::string& payload);

  /// Index (0-based) and body offset of the record last returned by next().
  std::uint64_t record_index() const noexcept { return index_; }
  std::uint64_t record_offset() const noexcept { return record_offset_; }

  /// After the last record: throws unless the body ends here, cleanly.
  void expect_end();

 private:
  int get_byte();  // -1 at end of input
  bool refill();

  BodySource& source_;
  std::uint64_t body_limit_;
  bool compressed_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t consumed_ = 0;  // body bytes handed out of buffer_
  std::uint64_t index_ = 0;
  std::uint64_t next_index_ = 0;
  std::uint64_t record_offset_ = 0;
};

}  // namespace ctxheap::format::detail
