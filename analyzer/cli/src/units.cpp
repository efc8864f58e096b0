#include "units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "ctxheap/analyzer/text.hpp"
#include "errors.hpp"

namespace ctxheap::cli {
namespace {

[[noreturn]] void bad(std::string_view option, std::string_view text, std::string_view expected) {
  throw CliError(std::string(option) + ": '" + std::string(text) + "' is not " + std::string(expected));
}

/// Splits "1.5MiB" into 1.5 and "MiB"; false when there is no number in front.
bool split_number(std::string_view text, double& value, std::string_view& unit) {
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  if (end == 0) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc() || ptr != text.data() + end || !std::isfinite(value) || value < 0) return false;
  unit = text.substr(end);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return true;
}

std::uint64_t to_u64(double value, std::string_view option, std::string_view text, std::string_view expected) {
  if (!(value >= 0) || value >= 1.8e19) bad(option, text, expected);
  return static_cast<std::uint64_t>(std::llround(value));
}

}  // namespace

std::uint64_t parse_duration_ns(std::string_view text, std::string_view option) {
  static constexpr std::string_view kExpected = "a duration (like 90s, 500ms, 2m, 1h)";
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) bad(option, text, kExpected);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ns") scale = 1;
  else if (unit == "m" || unit == "min") scale = 60e9;
  else if (unit == "h") scale = 3600e9;
  else bad(option, text, kExpected);
  return to_u64(value * scale, option, text, kExpected);
}

std::uint64_t parse_bytes(std::string_view text, std::string_view option) {
  static constexpr std::string_view kExpected = "a size in bytes (like 4096, 64KiB, 10MiB, 1G)";
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) bad(option, text, kExpected);
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "K" || unit == "KiB" || unit == "KB" || unit == "k") scale = 1024.0;
  else if (unit == "M" || unit == "MiB" || unit == "MB") scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB" || unit == "GB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "TiB" || unit == "TB") scale = 1024.0 * 1024 * 1024 * 1024;
  else bad(option, text, kExpected);
  return to_u64(value * scale, option, text, kExpected);
}

double parse_percent(std::string_view text, std::string_view option) {
  static constexpr std::string_view kExpected = "a percentage (like 1% or 0.5%)";
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) bad(option, text, kExpected);
  if (unit == "%") value /= 100.0;
  else if (!unit.empty()) bad(option, text, kExpected);
  if (value > 1.0 && unit.empty()) bad(option, text, kExpected);
  return value;
}

std::uint64_t parse_count(std::string_view text, std::string_view option) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) bad(option, text, "a whole number");
  return value;
}

RetainedLimit parse_retained_limit(std::string_view text, std::string_view option) {
  RetainedLimit limit;
  if (!text.empty() && text.back() == '%') {
    limit.is_share = true;
    limit.share = parse_percent(text, option);
  } else {
    limit.bytes = parse_bytes(text, option);
  }
  return limit;
}

std::string describe(const RetainedLimit& limit) {
  return limit.is_share ? analyzer::format_share(limit.share) + " of in-use heap" : analyzer::format_bytes(limit.bytes);
}

}  // namespace ctxheap::cli
