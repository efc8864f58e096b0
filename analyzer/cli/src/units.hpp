// Parsing the CLI's quantities: durations, byte sizes, shares and counts. Each throws
// CliError with a message naming the option.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ctxheap::cli {

/// "90s", "500ms", "2m", "1h", "1.5s", "250us", "0"; a bare number is seconds.
std::uint64_t parse_duration_ns(std::string_view text, std::string_view option);
/// "4096", "4KiB", "4K", "1.5MiB", "2M", "1G", "1GiB" (K, M, G are binary, as in tcmalloc).
std::uint64_t parse_bytes(std::string_view text, std::string_view option);
/// "1%", "0.5%" -> a share in [0, 1]; a bare number in [0, 1] is taken as the share.
double parse_percent(std::string_view text, std::string_view option);
/// A non-negative integer.
std::uint64_t parse_count(std::string_view text, std::string_view option);

/// --max-retained: bytes, or a share of the in-use heap when written with '%'.
struct RetainedLimit {
  bool is_share = false;
  std::uint64_t bytes = 0;
  double share = 0;
};
RetainedLimit parse_retained_limit(std::string_view text, std::string_view option);
/// "10.0 MiB" or "5 %", for messages.
std::string describe(const RetainedLimit& limit);

}  // namespace ctxheap::cli
