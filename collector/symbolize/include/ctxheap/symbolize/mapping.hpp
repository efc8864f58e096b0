// A process's memory layout, as /proc/<pid>/maps and gperftools' MAPPED_LIBRARIES
// write it: "start-end perms offset dev inode path".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ctxheap::symbolize {

/// One mapped range [start, end) of a file (or of an anonymous/pseudo region).
struct Mapping {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  /// Offset in the file of the byte mapped at `start`.
  std::uint64_t file_offset = 0;
  /// "r-xp" and the like; 'x' marks the ranges code can return into.
  std::string perms;
  /// File path, a pseudo name such as "[vdso]", or empty for anonymous memory.
  /// Kept verbatim, including a trailing " (deleted)".
  std::string path;

  bool executable() const { return perms.size() >= 3 && perms[2] == 'x'; }
  friend bool operator==(const Mapping&, const Mapping&) = default;
};

/// Parses maps text line by line. Tolerant by contract: a line that is not a
/// well-formed mapping (bad or overflowing hex, start >= end, missing fields)
/// is skipped; the function never throws on any input except std::bad_alloc.
std::vector<Mapping> parse_proc_maps(std::string_view text);

}  // namespace ctxheap::symbolize
