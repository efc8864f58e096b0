// Fuzzes the maps parser (collector/symbolize): /proc/<pid>/maps text, and the
// MAPPED_LIBRARIES section of gperftools heap profiles that snapshots and other inputs
// carry. Tolerant by contract: bad lines are skipped, nothing is thrown, and every
// mapping returned is a non-empty range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ctxheap/symbolize/mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& m : ctxheap::symbolize::parse_proc_maps(text)) {
    if (m.start >= m.end) std::abort();
  }
  return 0;
}
