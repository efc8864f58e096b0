// The tables of a report, built once from an analysis (or a diff) and written by the
// text and Markdown writers alike, so both always show the same rows and figures.
// Cells are plain single-line text; stale or growing rows carry a colour style.
#pragma once

#include <cstddef>
#include <string>

#include "common/table.hpp"
#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/diff.hpp"

namespace ctxheap::report::detail {

/// How many of `count` findings to list under `limit` (0 = all).
std::size_t listed(std::size_t count, std::size_t limit) noexcept;
/// "stale child entries: 20,000, the 10 largest" or "...: none".
std::string kind_heading(std::string_view kind, std::size_t count, std::size_t shown);

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
// Allocation sites (alloc_tables.cpp): for every input with allocation stacks.
Table alloc_sites_table(const analyzer::Analysis& analysis, std::size_t top);
/// The call tree's nodes with at least 1 % of the in-use heap, depth first, largest
/// first, at most max_rows (0 = all); node 0 (the root) is left out.
std::vector<analyzer::Index> call_tree_rows(const std::vector<analyzer::CallTreeNode>& nodes, std::size_t max_rows);
Table call_tree_table(const analyzer::Analysis& analysis, std::size_t top, analyzer::FrameDetail frames);
Table alloc_growth_table(const analyzer::SeriesAnalysis& series, std::size_t top);
Table alloc_diff_table(const analyzer::Analysis& before, const analyzer::Analysis& after, std::size_t top);

/// "Stale groups: 1 fixed, 0 new, 0 persisting".
std::string diff_groups_heading(const analyzer::ProfileDiff& diff);

}  // namespace ctxheap::report::detail
