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
};

enum class Verdict { Pass, Warn, Fail };

struct GateResult {
  std::uint64_t stale = 0;       ///< counted entries
  std::uint64_t suppressed = 0;  ///< entries at suppressed sites
  std::uint64_t baselined = 0;   ///< entries in groups the baseline knows
  /// What cancelling the counted entries would free (nested entries counted once).
  std::uint64_t retained_bytes = 0;
  double retained_share = 0;     ///< of the in-use heap
  std::vector<analyzer::Index> groups;  ///< counted stale groups, largest first
  bool stale_failed = false;
  bool stale_warned = false;
  bool retained_failed = false;

  Verdict verdict() const noexcept;
};

GateResult evaluate_gate(const analyzer::Analysis& analysis, const GateOptions& options,
                         const Suppressions& suppressions, const Baseline& baseline);

}  // namespace ctxheap::cli
