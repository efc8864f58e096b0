// Fuzzes `ctxheap check --suppress FILE` (analyzer/cli/src/suppressions.cpp): parsing the
// pattern file and matching its patterns, with '*' and '?', against a site. The input's
// first line is the site, the rest the file. Matching must stay fast on any pattern
// (libFuzzer reports slow inputs) and never read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "suppressions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view site = input.substr(0, newline);
  const std::string_view file = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const ctxheap::cli::Suppressions suppressions = ctxheap::cli::Suppressions::parse(file);
  (void)suppressions.matches(site, site);
  for (const auto& pattern : suppressions.patterns()) {
    if (pattern.empty()) std::abort();  // blank lines are skipped, never patterns
    (void)ctxheap::cli::glob_match(pattern, site);
  }
  // A pattern matches itself when it holds no wildcard, and '*' matches anything.
  if (site.find_first_of("*?") == std::string_view::npos && !ctxheap::cli::glob_match(site, site)) std::abort();
  if (!ctxheap::cli::glob_match("*", site)) std::abort();
  return 0;
}
