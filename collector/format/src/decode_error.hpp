// Internal exceptions. The reader turns them into FormatError with the file
// name and position; the writer turns InvalidRecord into std::invalid_argument.
#pragma once

#include <stdexcept>

namespace ctxheap::format::detail {

/// The bytes cannot be decoded (I/O error, truncation, corrupt framing or zstd).
/// The message already says where, if it can.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A decoded record breaks a rule of the schema (ordering, ids, enums, limits).
/// The message says what; the caller adds which record.
class InvalidRecord : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ctxheap::format::detail
