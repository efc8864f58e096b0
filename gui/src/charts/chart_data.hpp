// What the charts plot, taken from the analysis (and the report library's selection, so
// the chart shows the same top parents as the reports). Plain data: the chart widgets
// only draw it, and tests check it against the analyzer.
#pragma once

#include <QString>
#include <cstdint>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::gui {

struct ParentBar {
  QString label;
  analyzer::Index context = analyzer::kNoIndex;
  std::uint64_t inuse_bytes = 0;      ///< subtree in use
  std::uint64_t allocated_bytes = 0;  ///< subtree allocated
};
/// Bars for parents (the document's top_parents(): ctxheap::report::top_parents).
std::vector<ParentBar> top_parent_bars(const analyzer::Analysis& analysis, const std::vector<analyzer::Index>& parents);

struct SeriesPoint {
  double seconds = 0;  ///< since the first snapshot (its sequence number when times are unknown)
  std::uint64_t sequence = 0;
  std::uint64_t heap_inuse_bytes = 0;
  std::uint64_t heap_alloc_bytes = 0;
  std::uint64_t stale_retained_bytes = 0;
  std::uint64_t contexts = 0;
};
/// One point per snapshot of the series, oldest first.
std::vector<SeriesPoint> series_points(const analyzer::SeriesAnalysis& series);

struct ParentLine {
  QString label;
  analyzer::Index context = analyzer::kNoIndex;  ///< in the latest snapshot
  std::vector<std::pair<double, std::uint64_t>> points;  ///< (seconds, subtree in-use bytes) where present
};
/// The parents the analyzer followed across the series (Analysis::growth of the latest),
/// growing ones first, at most n.
std::vector<ParentLine> parent_lines(const analyzer::SeriesAnalysis& series, std::size_t n);

/// A unit for an axis whose largest value is `max_bytes`: (divisor, "MiB").
std::pair<double, QString> byte_unit(std::uint64_t max_bytes);

}  // namespace ctxheap::gui
