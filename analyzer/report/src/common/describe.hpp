// Phrases every writer shares, so the outputs agree: times, signed deltas, ratios
// (titles and headings are the outline's, ctxheap/report/outline.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::report::detail {

/// "2025-11-25 09:50:01 UTC", or "" for 0.
std::string format_utc(std::uint64_t wall_time_ns);

/// after - before without overflow.
std::int64_t delta(std::uint64_t before, std::uint64_t after) noexcept;
/// "+1.2 MiB", "-86.7 MiB", "0 B".
std::string signed_bytes(std::int64_t delta);
/// "+10,000", "-3", "0".
std::string signed_count(std::int64_t delta);
/// In-use share of allocated bytes, e.g. "75 %".
std::string ratio_text(const analyzer::Counters& counters);
/// "cancel dropped", "idle", "cancel dropped, idle".
std::string reasons_text(analyzer::StaleReasons reasons);

}  // namespace ctxheap::report::detail
