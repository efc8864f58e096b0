// The analysis stages, in the order analyze() runs them. Each reads what the stages
// before it filled in and adds its own part of the Analysis.
#pragma once

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::analyzer::detail {

/// Stale entries (marking them in the forest), retained after cancel, blocked waiters.
void find_issues(Analysis& analysis, const RunControl& control);
/// Per-site sums and the summary.
void summarize(Analysis& analysis);
/// Stale groups by (registrar, site), ranked; suspects with their sentences.
void group_stale_entries(Analysis& analysis, const RunControl& control);
/// One warning line per (registrar, site) of idle entries with a kept cancel.
void write_idle_warnings(Analysis& analysis);
/// Rewrites every suspect's sentence (after the series stage added growth).
void write_suspect_sentences(Analysis& analysis);
/// Growth of parents and stale groups across the series, into the latest analysis.
void analyze_growth(SeriesAnalysis& series);
/// The raw in-use samples `previous` holds at the allocation stacks charged to the
/// inferred set `set` of `latest` (matched by their shown frames' functions and lines):
/// what the set had before when the recognizer inferred no set there.
std::uint64_t samples_before(const Profile& latest, ContextId set, const Profile& previous);
/// What the allocation stacks charged to the inferred set `set` of `latest` allocated
/// between `previous` and `latest`, and how much more of it is in use (matched as above).
SetTurnover set_turnover(const Profile& latest, ContextId set, const Profile& previous);

}  // namespace ctxheap::analyzer::detail
