// How the analyzer writes numbers in sentences; report writers use the same so the
// figures in every output agree.
#pragma once

#include <cstdint>
#include <string>

namespace ctxheap::analyzer {

/// 20000 -> "20,000".
std::string format_count(std::uint64_t value);
/// Binary units, one decimal from KiB up: 512 -> "512 B", 4544 -> "4.4 KiB",
/// 90880000 -> "86.7 MiB".
std::string format_bytes(std::uint64_t bytes);
/// A range of bytes, one unit when both ends share it: "35.0–52.3 MiB", "900.0 KiB–1.2 MiB".
std::string format_bytes_range(std::uint64_t low, std::uint64_t high);
/// A share in [0, 1]: 0.6712 -> "67 %", 0.045 -> "4.5 %", 0.0004 -> "<0.1 %", 0 -> "0 %".
std::string format_share(double share);
/// 1.5e9 -> "1.5 s", 90e9 -> "1.5 min", 7200e9 -> "2.0 h", 2e6 -> "2 ms".
std::string format_duration(std::uint64_t ns);
/// A rate per second with one decimal and a thousands separator: "1,234.5".
std::string format_rate(double per_second);

}  // namespace ctxheap::analyzer
