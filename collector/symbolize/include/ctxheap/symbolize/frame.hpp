// One resolved source frame: what a stack entry means to a user.
#pragma once

#include <cstdint>
#include <string>

namespace ctxheap::symbolize {

/// One source-level frame. A single address can yield several: the callees
/// inlined at that address first, then the function that contains it.
struct Frame {
  /// The address as given to Symbolizer::resolve (not adjusted).
  std::uint64_t address = 0;
  /// Demangled name ("ns::f(int)"); empty when no symbol covers the address.
  std::string function;
  /// Source file path from the debug info; empty without line info.
  std::string file;
  /// 1-based source line; 0 when unknown.
  std::uint32_t line = 0;
  /// Path of the mapped file (ELF object) containing the address; empty if none.
  std::string module;
  /// `address` relative to the module's load bias, i.e. the value to give to
  /// `addr2line -e module` (minus 1 for return addresses). When the module's
  /// file was not available, the offset into the file (address - start + file
  /// offset), which is what pprof records for the same case.
  std::uint64_t module_offset = 0;
  /// True for a frame that the compiler inlined into the frame after it.
  bool inlined = false;

  friend bool operator==(const Frame&, const Frame&) = default;
};

/// A one-line label for a frame that is never empty: the function when known,
/// else "libfoo.so+0x1234" (module file name and module_offset), else "0x7f..".
std::string display_name(const Frame& frame);

}  // namespace ctxheap::symbolize
