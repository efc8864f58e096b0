// Helpers that give tests real addresses to symbolize.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "ctxheap/symbolize/frame.hpp"

namespace symbolize_fixture {

/// The return address of this call: an address in the caller just after the
/// call instruction. Lives in its own translation unit so it is never inlined.
[[gnu::noinline]] std::uint64_t return_address_in_caller();

/// The last path component, for comparing debug-info paths with __FILE__.
std::string_view file_name(std::string_view path);

/// The whole of /proc/self/maps.
std::string read_self_maps();

template <typename Function>
std::uint64_t address_of(Function* function) {
  return reinterpret_cast<std::uintptr_t>(function);
}

}  // namespace symbolize_fixture

namespace ctxheap::symbolize {
/// Readable frames in GoogleTest failure messages.
inline void PrintTo(const Frame& frame, std::ostream* out) {
  *out << (frame.inlined ? "[inlined] " : "") << '"' << frame.function << "\" at " << frame.file
       << ':' << frame.line << " in " << frame.module << "+0x" << std::hex << frame.module_offset
       << " (0x" << frame.address << ')' << std::dec;
}
}  // namespace ctxheap::symbolize
