#include "charts/chart_data.hpp"

#include <algorithm>

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

std::vector<ParentBar> top_parent_bars(const an::Analysis& analysis, const std::vector<an::Index>& parents) {
  std::vector<ParentBar> bars;
  for (an::Index i : parents) {
    const an::RetentionNode& node = analysis.node(i);
    bars.push_back({context_text(analysis, i), i, node.subtree.inuse_bytes(), node.subtree.alloc_bytes});
  }
  return bars;
}

namespace {

double seconds_of(const an::SeriesAnalysis& series, std::size_t k, std::uint64_t monotonic_ns) {
  const std::uint64_t first = series.snapshots.front().profile->meta.monotonic_time_ns;
  if (first == 0 || monotonic_ns == 0 || monotonic_ns < first) return static_cast<double>(k);
  return static_cast<double>(monotonic_ns - first) / 1e9;
}

}  // namespace

std::vector<SeriesPoint> series_points(const an::SeriesAnalysis& series) {
  std::vector<SeriesPoint> points;
  for (std::size_t k = 0; k < series.snapshots.size(); ++k) {
    const an::Analysis& a = series.snapshots[k];
    const an::Summary& s = a.summary;
    points.push_back({seconds_of(series, k, a.profile->meta.monotonic_time_ns), a.profile->meta.sequence, s.heap_inuse_bytes,
                      s.heap_alloc_bytes, s.stale_retained.bytes, s.contexts});
  }
  return points;
}

std::vector<ParentLine> parent_lines(const an::SeriesAnalysis& series, std::size_t n) {
  const an::Analysis& latest = series.latest();
  std::vector<const an::ParentGrowth*> growth;
  for (const an::ParentGrowth& g : latest.growth) growth.push_back(&g);
  std::stable_sort(growth.begin(), growth.end(), [](const an::ParentGrowth* a, const an::ParentGrowth* b) {
    const bool ga = a->verdict == an::GrowthVerdict::Growing, gb = b->verdict == an::GrowthVerdict::Growing;
    if (ga != gb) return ga;
    return a->points.back().subtree_inuse_bytes > b->points.back().subtree_inuse_bytes;
  });
  std::vector<ParentLine> lines;
  for (const an::ParentGrowth* g : growth) {
    if (lines.size() == n) break;
    ParentLine line{context_text(latest, g->context), g->context, {}};
    for (std::size_t k = 0; k < g->points.size(); ++k)
      if (g->points[k].present)
        line.points.emplace_back(seconds_of(series, k, g->points[k].monotonic_ns), g->points[k].subtree_inuse_bytes);
    lines.push_back(std::move(line));
  }
  return lines;
}

std::pair<double, QString> byte_unit(std::uint64_t max_bytes) {
  static const char* const names[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double divisor = 1;
  int unit = 0;
  while (unit < 4 && static_cast<double>(max_bytes) / divisor >= 1024.0 * 0.9) {
    divisor *= 1024.0;
    ++unit;
  }
  return {divisor, QString::fromLatin1(names[unit])};
}

}  // namespace ctxheap::gui
