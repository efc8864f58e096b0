// Fuzzes `ctxheap check --baseline FILE`'s parser (analyzer/cli/src/baseline.cpp): a JSON
// report or a ctxheap-baseline/1 file. Any input must parse or throw CliError; what
// parses must survive a round trip through the baseline file it would write.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "baseline.hpp"
#include "errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ctxheap::cli::Baseline baseline;
  try {
    baseline = ctxheap::cli::Baseline::parse(text, "fuzz-input");
  } catch (const ctxheap::cli::CliError&) {
    return 0;
  }
  const ctxheap::cli::Baseline again = ctxheap::cli::Baseline::parse(baseline.to_json("fuzz"), "round-trip");
  if (again.size() != baseline.size()) std::abort();
  return 0;
}
