// The analyzer's words and numbers as QStrings: every figure the app shows goes through
// the analyzer's formatters (text.hpp), so it reads exactly as in the CLI's reports.
#pragma once

#include <QString>
#include <cstdint>
#include <string_view>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::gui {

inline QString qstr(std::string_view text) { return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())); }

QString bytes_text(std::uint64_t bytes);
QString count_text(std::uint64_t count);
QString share_text(double share);
QString duration_text(std::uint64_t ns);
/// "+1.2 MiB", "−3", "0": signed deltas.
QString delta_bytes_text(std::int64_t delta);
QString delta_count_text(std::int64_t delta);

/// `#16 "server"`; unnamed contexts show their kind: `#3 <cancel>`.
QString context_text(const analyzer::Analysis& analysis, analyzer::Index context);
/// Where it was created: "handle_request(...) handler_leak.cpp:25".
QString site_text(const analyzer::Analysis& analysis, analyzer::Index context);
/// "live", "cancelled", "expired", plus ", cancel dropped" and ", destroyed".
QString state_text(const analyzer::Context& context);
/// "2026-11-25 11:31:27 UTC" from a snapshot's wall time; "" when unknown.
QString wall_time_text(std::uint64_t wall_time_ns);

}  // namespace ctxheap::gui
