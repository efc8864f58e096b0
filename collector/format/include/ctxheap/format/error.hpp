// How reading a snapshot fails.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace ctxheap::format {

/// The input is not a snapshot this reader can use: unreadable, not a snapshot,
/// too new, truncated, corrupt or over a limit. what() is one line saying what
/// is wrong and where, prefixed with the file name, e.g.
/// "a.ctxheap: truncated: record 12 at body offset 4821 ends early".
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reading stopped because the caller asked it to (ReadOptions::cancel).
/// Not an input problem, so not a FormatError.
class ReadCancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "snapshot reading cancelled"; }
};

}  // namespace ctxheap::format
