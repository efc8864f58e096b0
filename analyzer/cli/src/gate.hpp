// The CI gate of `ctxheap check`: counts the stale child entries that are neither
// suppressed nor known to the baseline, and what they retain, against thresholds.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "baseline.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "suppressions.hpp"
#include "units.hpp"

namespace ctxheap::cli {

/// The default gate warns at 1–2 stale entries and fails at 3 or more.
struct GateOptions {
  std::uint64_t max_stale = 3;   ///< fail when counted entries >= this; 0 = no stale gate
  std::uint64_t warn_stale = 1;  ///< warn when counted entries >= this; 0 = no warning
  std::optional<RetainedLimit> max_retained{};  ///< fail when counted entries retain more
  std::optional<std::uint64_t> max_inuse{};      ///< fail when the heap in use is above this (any input)
};

enum class Verdict { Pass, Warn, Fail };

struct GateResult {
  std::uint64_t stale = 0;       ///< counted entries
  std::uint64_t suppressed = 0;  ///< entries at suppressed sites
  std::uint64_t baselined = 0;   ///< entries in groups the baseline knows
  /// What cancelling the counted entries would free (nested entries counted once).
  std::uint64_t retained_bytes = 0;
  /// Its 95 % range from a sampled profile (analyzer::Retained); = retained_bytes when exact.
  std::uint64_t retained_low = 0;
  std::uint64_t retained_high = 0;
  double retained_share = 0;     ///< of the in-use heap
  std::vector<analyzer::Index> groups;  ///< counted stale groups, largest first
  /// Idle children whose cancel is kept but never called (analyzer Findings::idle): not
  /// stale on one snapshot, so a warning with their age, never a failure on their own.
  std::uint64_t idle = 0;
  std::uint64_t oldest_idle_age_ns = 0;
  bool stale_failed = false;
  bool stale_warned = false;
  bool idle_warned = false;
  /// Inferred children sets below the in-flight bound (analyzer Findings::in_flight) that
  /// did not stay flat over a series: work in flight or a leak, a warning.
  std::vector<analyzer::Index> in_flight{};  ///< indices into Findings::in_flight
  bool in_flight_warned = false;
  // What inputs without contexts (gperftools dumps, Go profiles without context records)
  // can show, gated by gate_allocations: growth over a series, an in-use limit, truncation.
  bool no_contexts = false;
  std::uint64_t inuse_bytes = 0;
  bool inuse_failed = false;
  std::uint32_t series_length = 1;
  std::vector<std::string> growing_sites;  ///< allocation sites whose verdict is growing
  bool growth_failed = false;
  bool truncated = false;                  ///< the latest input lost records: warn
  bool retained_failed = false;

  Verdict verdict() const noexcept;
};

GateResult evaluate_gate(const analyzer::Analysis& analysis, const GateOptions& options,
                         const Suppressions& suppressions, const Baseline& baseline);

/// Adds the gates every input can be held to: the in-use limit, truncation, and (for inputs
/// without contexts, which have no stale entries to count) growth of allocation sites
/// over the series (analyzer::site_growth verdict "growing" fails).
void gate_allocations(GateResult& result, const analyzer::SeriesAnalysis& series, const GateOptions& options);

}  // namespace ctxheap::cli
