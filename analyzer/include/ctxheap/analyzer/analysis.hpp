// The whole analysis of one profile, or of a series of one run: the entry point for the
// CLI, the report writers and the GUI. Results are plain data, immutable once returned,
// and safe to read from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ctxheap/analyzer/findings.hpp"
#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/progress.hpp"
#include "ctxheap/analyzer/retention.hpp"
#include "ctxheap/analyzer/series.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/analyzer/suspects.hpp"

namespace ctxheap::analyzer {

struct AnalysisOptions {
  FindingOptions findings{};
  SuspectOptions suspects{};
  GrowthOptions growth{};
};

struct Summary {
  std::uint64_t contexts = 0;
  std::uint64_t live = 0;               ///< live and not destroyed
  std::uint64_t ended = 0;
  std::uint64_t destroyed = 0;
  std::uint64_t registered = 0;        ///< contexts held in some children set
  Counters contexts_total{};           ///< summed over every context's own counters
  Counters no_context{};
  /// The no-context figures by thread (own snapshots), largest in use first.
  std::vector<ThreadCounters> no_context_threads{};
  std::uint64_t heap_inuse_objects = 0;  ///< contexts + no context
  std::uint64_t heap_inuse_bytes = 0;    ///< the denominator of every "share of in-use heap"
  std::uint64_t heap_alloc_bytes = 0;
  std::uint64_t stale = 0;
  /// What cancelling every outermost stale entry would free (nested entries counted once).
  Retained stale_retained{};
  std::uint64_t retained_after_cancel = 0;
  std::uint64_t retained_after_cancel_bytes = 0;
  std::uint64_t blocked_waiter_threads = 0;
  std::uint64_t stale_groups = 0;
  std::uint64_t suspects = 0;  ///< every stale group that is a suspect (Analysis::suspects lists the first max_suspects)
};

struct Analysis {
  std::shared_ptr<const Profile> profile;
  AnalysisOptions options{};
  RetentionForest forest;
  std::vector<CreationSite> sites;   ///< with per-site sums
  std::vector<Index> context_site;   ///< creation site of each context (parallel to contexts)
  Findings findings;
  std::vector<StaleGroup> stale_groups;  ///< ranked by retained bytes, largest first
  std::vector<LeakSuspect> suspects;     ///< the groups that pass SuspectOptions, ranked, at most max_suspects
  /// Only for the last snapshot of analyze_series: parents followed across the series
  /// (each with a verdict; the growing ones are also findings.unbounded_children).
  std::vector<ParentGrowth> growth;
  std::uint32_t series_length = 1;   ///< snapshots this analysis saw (1 = alone)
  Summary summary{};
  /// Input inconsistencies the analysis worked around, one line each (dangling parent
  /// ids, duplicate ids, cycles).
  std::vector<std::string> warnings;

  const Context& context(Index i) const noexcept { return profile->contexts[i]; }
  const RetentionNode& node(Index i) const noexcept { return forest.node(i); }
  const CreationSite& site_of(Index context) const noexcept { return sites[context_site[context]]; }
};

/// Analyses one profile: retention forest, findings, stale groups and suspects. Linear in
/// the profile's size. Throws Cancelled.
Analysis analyze(std::shared_ptr<const Profile> profile, const AnalysisOptions& options = {},
                 const RunControl& control = {});
Analysis analyze(Profile profile, const AnalysisOptions& options = {}, const RunControl& control = {});

/// A series of snapshots of one run, oldest first.
struct SeriesAnalysis {
  std::vector<Analysis> snapshots;
  const Analysis& latest() const noexcept { return snapshots.back(); }
};

/// Analyses each snapshot (ordered by sequence, then monotonic time) and then the growth
/// across them into the latest: Analysis::growth, findings.unbounded_children and each
/// stale group's growth (matched by registrar id and site). Requires ≥ 1 profile; with
/// one, it is analyze(). Contexts match by id, so the profiles must be of one run
/// (load_series checks). Throws Cancelled.
SeriesAnalysis analyze_series(std::vector<Profile> profiles, const AnalysisOptions& options = {},
                              const RunControl& control = {});

/// What cancelling a chosen set of stale entries would free: the retained size of each
/// chosen entry (findings.stale, `chosen` parallel to it; empty = all) that is not
/// nested under another chosen entry, whose retained size already holds it. The one
/// "outermost entries counted once" rule: Summary::stale_retained and the CLI gate.
Retained outermost_stale_retained(const Analysis& analysis, const std::vector<bool>& chosen = {});

// ---- Plain-text evidence, for reports (one line each, no trailing newline). ----

/// #16 "server" — id and name (no quotes part when unnamed).
std::string describe_context(const Analysis& analysis, Index context);
std::string describe(const Analysis& analysis, const StaleChild& finding);
std::string describe(const Analysis& analysis, const RetainedAfterCancel& finding);
std::string describe(const Analysis& analysis, const BlockedWaiters& finding);
std::string describe(const Analysis& analysis, const UnboundedChildren& finding);
std::string describe(const Analysis& analysis, const IdleEntry& finding);
std::string describe(const Analysis& analysis, const InFlightSet& finding);
/// The leak-suspect sentence of a group (also stored in LeakSuspect::sentence).
std::string describe(const Analysis& analysis, const StaleGroup& group);

}  // namespace ctxheap::analyzer
