#include "common/describe.hpp"

#include <algorithm>
#include <ctime>
#include <limits>

#include "ctxheap/analyzer/text.hpp"

namespace ctxheap::report::detail {

std::string format_utc(std::uint64_t wall_time_ns) {
  if (wall_time_ns == 0) return {};
  const std::time_t seconds = static_cast<std::time_t>(wall_time_ns / 1'000'000'000ull);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

std::string snapshot_title(const analyzer::Profile& p) {
  const auto& m = p.meta;
  std::string out = m.program.empty() ? std::string("unknown program") : m.program;
  if (m.pid != 0 || !m.host.empty()) {
    out += " (";
    if (m.pid != 0) out += "pid " + std::to_string(m.pid);
    if (m.pid != 0 && !m.host.empty()) out += " on ";
    out += m.host + ")";
  }
  if (const std::uint64_t number = analyzer::snapshot_number(m); number != 0) {
    out += ", snapshot " + std::to_string(number);
    if (m.reason != analyzer::SnapshotReason::Unknown) out += " (" + std::string(analyzer::to_string(m.reason)) + ")";
  }
  if (const std::string when = format_utc(m.wall_time_ns); !when.empty()) out += " at " + when;
  return out;
}

std::string source_description(const analyzer::Profile& p) {
  const auto& m = p.meta;
  std::string out;
  switch (m.source_format) {
    case analyzer::SourceFormat::CtxheapSnapshot: out = "ctxheap snapshot"; break;
    case analyzer::SourceFormat::GperftoolsHeap:
      out = m.source_kind == "growth" ? "gperftools heap growth profile" : "gperftools heap profile";
      break;
    case analyzer::SourceFormat::Pprof:
      out = "pprof " + (m.source_kind.empty() ? std::string("heap") : m.source_kind) + " profile";
      break;
    case analyzer::SourceFormat::Synthetic: out = "profile built in memory"; break;
  }
  if (m.source_format_version != 0) out += " v" + std::to_string(m.source_format_version);
  if (m.source_kind == "goroutine") return out + ", goroutines counted as objects of no size";
  out += m.counters == analyzer::CounterSource::Exact ? ", exact counters" : ", counters estimated from samples";
  if (m.sampling_interval_bytes == 0) {
    out += ", no allocation stacks sampled";
  } else if (m.records_missing) {
    out += ", truncated: some allocation stacks are missing";
  } else if (m.sampling_interval_bytes == 1) {
    out += ", every allocation stack recorded";
  } else {
    out += ", allocation stacks sampled every " + analyzer::format_bytes(m.sampling_interval_bytes);
  }
  return out;
}

std::int64_t delta(std::uint64_t before, std::uint64_t after) noexcept {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (after >= before) return static_cast<std::int64_t>(std::min(after - before, kMax));
  return -static_cast<std::int64_t>(std::min(before - after, kMax));
}

std::string signed_bytes(std::int64_t d) {
  if (d == 0) return "0 B";
  const std::uint64_t magnitude = d < 0 ? 0 - static_cast<std::uint64_t>(d) : static_cast<std::uint64_t>(d);
  return (d < 0 ? "-" : "+") + analyzer::format_bytes(magnitude);
}

std::string signed_count(std::int64_t d) {
  if (d == 0) return "0";
  const std::uint64_t magnitude = d < 0 ? 0 - static_cast<std::uint64_t>(d) : static_cast<std::uint64_t>(d);
  return (d < 0 ? "-" : "+") + analyzer::format_count(magnitude);
}

std::string ratio_text(const analyzer::Counters& counters) {
  return analyzer::format_share(analyzer::inuse_ratio(counters));
}

std::string reasons_text(analyzer::StaleReasons reasons) {
  if (reasons.timer_held) return reasons.never_cancelled ? "never cancelled, timer-held" : "cancel dropped, timer-held";
  if (reasons.never_cancelled) return "never cancelled";
  if (reasons.cancel_dropped && reasons.idle) return "cancel dropped, idle";
  if (reasons.cancel_dropped) return "cancel dropped";
  if (reasons.growing_set) return "idle in a growing set, cancel kept";
  return "-";
}

}  // namespace ctxheap::report::detail
