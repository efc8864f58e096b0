// Fuzzes the gperftools heap-profile reader straight from bytes (no symbolization: the
// addresses are the input's, the files they name are not), then the analysis of what it
// accepted. Any input must end in a Profile or a LoadError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ctxheap::analyzer::ReadOptions options;
  options.name = "fuzz.heap";
  options.symbolize = false;
  try {
    auto profile = ctxheap::analyzer::read_gperftools_heap(
        std::string_view(reinterpret_cast<const char*>(data), size), options);
    (void)ctxheap::analyzer::analyze(std::move(profile));
  } catch (const ctxheap::analyzer::LoadError&) {
  }
  return 0;
}
