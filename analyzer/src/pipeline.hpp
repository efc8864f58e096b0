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

}  // namespace ctxheap::analyzer::detail
