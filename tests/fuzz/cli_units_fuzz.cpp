// Fuzzes the CLI's quantity parsers (analyzer/cli/src/units.cpp): durations, byte sizes,
// shares, counts and --max-retained. Each must return a value or throw CliError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "errors.hpp"
#include "units.hpp"

namespace {

template <typename Parse>
void attempt(Parse parse) {
  try {
    parse();
  } catch (const ctxheap::cli::CliError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace ctxheap::cli;
  attempt([&] { (void)parse_duration_ns(text, "--duration"); });
  attempt([&] { (void)parse_bytes(text, "--bytes"); });
  attempt([&] { (void)parse_percent(text, "--percent"); });
  attempt([&] { (void)parse_count(text, "--count"); });
  attempt([&] { (void)describe(parse_retained_limit(text, "--max-retained")); });
  return 0;
}
