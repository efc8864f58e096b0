#include "ctxheap/analyzer/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ctxheap::analyzer {

std::string format_count(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
  }
  return out;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1023.95 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

std::string format_bytes_range(std::uint64_t low, std::uint64_t high) {
  std::string lo = format_bytes(low);
  const std::string hi = format_bytes(high);
  const std::size_t space = lo.rfind(' ');
  if (space != std::string::npos && hi.ends_with(lo.substr(space))) lo.resize(space);
  return lo + "–" + hi;
}

std::string format_share(double share) {
  if (!(share > 0)) return "0 %";
  const double percent = share * 100.0;
  char buf[32];
  if (percent < 0.1) return "<0.1 %";
  if (percent < 9.95) {
    std::snprintf(buf, sizeof buf, "%.1f %%", percent);
  } else if (share < 1.0 && percent >= 99.5) {
    // Not all of it: never round up to "100 %".
    std::snprintf(buf, sizeof buf, "%.1f %%", std::min(std::floor(percent * 10.0) / 10.0, 99.9));
  } else {
    std::snprintf(buf, sizeof buf, "%.0f %%", percent);
  }
  return buf;
}

std::string format_duration(std::uint64_t ns) {
  char buf[32];
  const double s = static_cast<double>(ns) / 1e9;
  if (ns < 1'000'000) {
    std::snprintf(buf, sizeof buf, "%.0f us", static_cast<double>(ns) / 1e3);
  } else if (ns < 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%.0f ms", static_cast<double>(ns) / 1e6);
  } else if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f d", s / 86400);
  }
  return buf;
}

std::string format_rate(double per_second) {
  if (!std::isfinite(per_second)) return "0.0";
  const bool negative = per_second < 0;
  const double magnitude = std::fabs(per_second);
  const auto whole = static_cast<std::uint64_t>(magnitude);
  const auto tenth = static_cast<int>(std::llround((magnitude - static_cast<double>(whole)) * 10));
  const std::uint64_t w = whole + (tenth == 10 ? 1 : 0);
  const bool zero = w == 0 && (tenth == 0 || tenth == 10);
  return (negative && !zero ? "-" : "") + format_count(w) + "." + std::to_string(tenth == 10 ? 0 : tenth);
}

}  // namespace ctxheap::analyzer
