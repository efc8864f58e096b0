// The tables of a report, built once from an analysis (or a diff) and written by the
// text, Markdown and HTML writers alike, so all show the same rows and figures.
// Cells are plain single-line text; stale or growing rows carry a colour style.
#pragma once

#include <cstddef>
#include <string>

#include "common/table.hpp"
#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/diff.hpp"
#include "ctxheap/report/outline.hpp"

namespace ctxheap::report::detail {

/// The table of a table section of the outline (summary, parents, sites, growth, ...);
/// an empty table for the other parts or when there is nothing to list.
Table section_table(Part part, const ReportSubject& subject, std::size_t top, analyzer::FrameDetail frames);
/// The table of a diff part (all but Groups); subject.has_diff().
Table diff_section_table(DiffPart part, const ReportSubject& subject, std::size_t top, analyzer::FrameDetail frames);
/// The first `rows` findings of a kind listed as a table (stale entries, retained after
/// cancel), or as one sentence each (blocked waiters, growing children sets).
Table finding_table(FindingPart part, const analyzer::Analysis& analysis, std::size_t rows);
std::vector<std::string> finding_sentences(FindingPart part, const analyzer::Analysis& analysis, std::size_t rows);

Table summary_table(const analyzer::Analysis& analysis);
Table parents_table(const analyzer::Analysis& analysis, std::size_t top);
Table sites_table(const analyzer::Analysis& analysis, std::size_t top);
Table stale_table(const analyzer::Analysis& analysis, std::size_t rows);
Table retained_after_cancel_table(const analyzer::Analysis& analysis, std::size_t rows);
Table growth_table(const analyzer::Analysis& analysis, std::size_t top);
Table series_table(const analyzer::SeriesAnalysis& series);

Table diff_totals_table(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::ProfileDiff& diff);
Table diff_sites_table(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::ProfileDiff& diff,
                       std::size_t top);
Table diff_parents_table(const analyzer::Analysis& before, const analyzer::Analysis& after,
                         const analyzer::ProfileDiff& diff, std::size_t top);
/// The no-context heap by thread, largest in use first (own snapshots with exact counters).
Table threads_table(const analyzer::Analysis& analysis, std::size_t top);
// Allocation sites (alloc_tables.cpp): for every input with allocation stacks.
Table alloc_sites_table(const analyzer::Analysis& analysis, std::size_t top);
/// The call tree's nodes with at least 1 % of the in-use heap, depth first, largest
/// first, at most max_rows (0 = all); node 0 (the root) is left out.
std::vector<analyzer::Index> call_tree_rows(const std::vector<analyzer::CallTreeNode>& nodes, std::size_t max_rows);
Table call_tree_table(const analyzer::Analysis& analysis, std::size_t top, analyzer::FrameDetail frames);
Table alloc_growth_table(const analyzer::SeriesAnalysis& series, std::size_t top);
/// In-use bytes per stack; for two goroutine profiles, goroutines per stack.
/// The allocation-stack deltas of a diff (diff_allocation_stacks), folded at `frames`.
Table alloc_diff_table(const analyzer::Analysis& before, const analyzer::Analysis& after, std::size_t top,
                       analyzer::FrameDetail frames);
/// Both sides are goroutine profiles (ProfileMeta::source_kind "goroutine").
bool goroutine_diff(const analyzer::Analysis& before, const analyzer::Analysis& after) noexcept;

}  // namespace ctxheap::report::detail
