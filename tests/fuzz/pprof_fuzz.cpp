// Fuzzes the pprof reader (gzipped or raw profile.proto, heap or goroutine) with the Go
// context-leak recognizer on, then the analysis of what it accepted. Any input must end
// in a Profile or a LoadError.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ctxheap::analyzer::ReadOptions options;
  options.name = "fuzz.pb.gz";
  try {
    auto profile = ctxheap::analyzer::read_pprof(std::span(reinterpret_cast<const std::byte*>(data), size), options);
    (void)ctxheap::analyzer::analyze(std::move(profile));
  } catch (const ctxheap::analyzer::LoadError&) {
  }
  return 0;
}
