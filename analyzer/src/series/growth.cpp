// Growth across a series: which parents' children sets (and which stale groups) keep
// growing, which reached a plateau. Rules in docs/analysis.md §6.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "ctxheap/analyzer/series.hpp"
#include "model/hash.hpp"
#include "pipeline.hpp"

namespace ctxheap::analyzer {
namespace {

enum class Change { Up, Flat, Down };

/// Significant change from `before` to `after`: at least `floor`, and at least `rel` of before.
Change change(std::uint64_t before, std::uint64_t after, double floor, double rel) {
  const double tolerance = std::max(floor, rel * static_cast<double>(before));
  const double delta = static_cast<double>(after) - static_cast<double>(before);
  if (delta > 0 && delta >= tolerance) return Change::Up;
  if (delta < 0 && -delta >= tolerance) return Change::Down;
  return Change::Flat;
}

Change interval(const GrowthPoint& a, const GrowthPoint& b, const GrowthOptions& o, std::uint64_t heap) {
  const Change children = change(a.registered_children, b.registered_children,
                                 static_cast<double>(std::max<std::uint64_t>(1, o.min_children_change)),
                                 o.children_tolerance_rel);
  const double bytes_floor = std::max({static_cast<double>(std::max<std::uint64_t>(1, o.bytes_tolerance_abs)),
                                       o.min_bytes_heap_share * static_cast<double>(heap)});
  const Change bytes = change(a.subtree_inuse_bytes, b.subtree_inuse_bytes, bytes_floor, o.bytes_tolerance_rel);
  if (children == Change::Up || bytes == Change::Up) return Change::Up;
  if (children == Change::Down || bytes == Change::Down) return Change::Down;
  return Change::Flat;
}

std::int64_t delta(std::uint64_t before, std::uint64_t after) {
  return static_cast<std::int64_t>(after) - static_cast<std::int64_t>(before);
}

}  // namespace

GrowthVerdict growth_verdict(const std::vector<GrowthPoint>& points, const GrowthOptions& options,
                             std::uint64_t heap_inuse_bytes) {
  if (points.size() < 2) return GrowthVerdict::Stable;
  const std::uint64_t heap = heap_inuse_bytes;
  const Change overall = interval(points.front(), points.back(), options, heap);
  const Change last = interval(points[points.size() - 2], points.back(), options, heap);
  bool fell = false, rose_above_start = false;
  for (std::size_t i = 1; i < points.size(); ++i) {
    fell = fell || interval(points[i - 1], points[i], options, heap) == Change::Down;
    rose_above_start = rose_above_start || interval(points.front(), points[i], options, heap) == Change::Up;
  }
  switch (overall) {
    case Change::Up:
      if (fell) return GrowthVerdict::Fluctuating;
      return last == Change::Up ? GrowthVerdict::Growing : GrowthVerdict::Plateau;
    case Change::Down: return GrowthVerdict::Shrinking;
    case Change::Flat: break;
  }
  return rose_above_start ? GrowthVerdict::Transient : GrowthVerdict::Stable;
}

double slope_per_second(const std::vector<GrowthPoint>& points, std::uint64_t GrowthPoint::*value) {
  if (points.size() < 2) return 0.0;
  // The steady clock when every snapshot has one, else the wall clock (Go profiles).
  const bool steady = std::all_of(points.begin(), points.end(), [](const GrowthPoint& p) { return p.monotonic_ns != 0; });
  const auto time_of = [steady](const GrowthPoint& p) { return static_cast<double>(steady ? p.monotonic_ns : p.wall_ns); };
  const double t0 = time_of(points.front());
  double st = 0, sv = 0;
  for (const GrowthPoint& p : points) {
    st += (time_of(p) - t0) / 1e9;
    sv += static_cast<double>(p.*value);
  }
  const double n = static_cast<double>(points.size());
  const double mt = st / n, mv = sv / n;
  double num = 0, den = 0;
  for (const GrowthPoint& p : points) {
    const double t = (time_of(p) - t0) / 1e9 - mt;
    num += t * (static_cast<double>(p.*value) - mv);
    den += t * t;
  }
  return den > 0 ? num / den : 0.0;
}

double slope_per_snapshot(const std::vector<GrowthPoint>& points, std::uint64_t GrowthPoint::*value) {
  if (points.size() < 2) return 0.0;
  return (static_cast<double>(points.back().*value) - static_cast<double>(points.front().*value)) /
         static_cast<double>(points.size() - 1);
}

namespace detail {
namespace {

GrowthPoint point_of(const Analysis& a, Index i) {
  GrowthPoint p;
  p.sequence = a.profile->meta.sequence;
  p.monotonic_ns = a.profile->meta.monotonic_time_ns;
  p.wall_ns = a.profile->meta.wall_time_ns;
  if (i == kNoIndex) return p;
  const RetentionNode& node = a.forest.node(i);
  p.present = true;
  // Entries, not records: an inferred record stands for Context::count contexts.
  for (const Index child : a.forest.children(i))
    if (a.forest.node(child).edge == RetentionEdge::Registered)
      p.registered_children += std::max<std::uint64_t>(1, a.context(child).count);
  p.stale_children = node.stale_children;
  p.subtree_inuse_objects = node.subtree.inuse_objects();
  p.subtree_inuse_bytes = node.subtree.inuse_bytes();
  return p;
}

/// Within one run a creation site is the same function, file and line in every snapshot.
std::uint64_t group_key(const Analysis& a, const StaleGroup& g) {
  const CreationSite& s = a.sites[g.site];
  return hash_combine(hash_combine(hash_combine(kHashSeed, g.registrar_id), s.key), s.line);
}

void parents_growth(SeriesAnalysis& series) {
  Analysis& latest = series.snapshots.back();
  const Profile& p = *latest.profile;
  const GrowthOptions& o = latest.options.growth;
  const double min_bytes = o.min_heap_share * static_cast<double>(latest.summary.heap_inuse_bytes);
  std::vector<bool> followed(p.contexts.size(), false);
  auto follow_if_live = [&](Index i) {
    if (i != kNoIndex && p.contexts[i].state == ContextState::Live && is_cancelable(p.contexts[i].kind)) followed[i] = true;
  };
  for (Index i = 0; i < p.contexts.size(); ++i) {
    const RetentionNode& node = latest.forest.node(i);
    if (node.registered_children > 0 || static_cast<double>(node.subtree.inuse_bytes()) >= min_bytes) follow_if_live(i);
  }
  for (std::size_t s = 0; s + 1 < series.snapshots.size(); ++s) {
    const Analysis& earlier = series.snapshots[s];
    for (Index j = 0; j < earlier.profile->contexts.size(); ++j)
      if (earlier.forest.node(j).registered_children > 0) follow_if_live(latest.forest.find(earlier.context(j).id));
  }
  for (Index i = 0; i < p.contexts.size(); ++i) {
    if (!followed[i]) continue;
    ParentGrowth g;
    g.context = i;
    g.id = p.contexts[i].id;
    for (const Analysis& a : series.snapshots) g.points.push_back(point_of(a, a.forest.find(g.id)));
    g.verdict = growth_verdict(g.points, o, latest.summary.heap_inuse_bytes);
    const GrowthPoint& prev = g.points[g.points.size() - 2];
    g.last_children_delta = delta(prev.registered_children, g.points.back().registered_children);
    g.last_bytes_delta = delta(prev.subtree_inuse_bytes, g.points.back().subtree_inuse_bytes);
    g.children_per_second = slope_per_second(g.points, &GrowthPoint::registered_children);
    g.bytes_per_second = slope_per_second(g.points, &GrowthPoint::subtree_inuse_bytes);
    g.children_per_snapshot = slope_per_snapshot(g.points, &GrowthPoint::registered_children);
    g.bytes_per_snapshot = slope_per_snapshot(g.points, &GrowthPoint::subtree_inuse_bytes);
    latest.growth.push_back(std::move(g));
  }
  std::stable_sort(latest.growth.begin(), latest.growth.end(), [](const ParentGrowth& x, const ParentGrowth& y) {
    const bool gx = x.verdict == GrowthVerdict::Growing, gy = y.verdict == GrowthVerdict::Growing;
    if (gx != gy) return gx;
    if (x.last_children_delta != y.last_children_delta) return x.last_children_delta > y.last_children_delta;
    return x.last_bytes_delta > y.last_bytes_delta;
  });
  for (Index g = 0; g < latest.growth.size(); ++g) {
    const ParentGrowth& growth = latest.growth[g];
    if (growth.verdict == GrowthVerdict::Growing && growth.last_children_delta > 0)
      latest.findings.unbounded_children.push_back({g});
  }
}

void groups_growth(SeriesAnalysis& series) {
  Analysis& latest = series.snapshots.back();
  std::vector<std::unordered_map<std::uint64_t, Index>> maps(series.snapshots.size());
  for (std::size_t s = 0; s + 1 < series.snapshots.size(); ++s) {
    const Analysis& a = series.snapshots[s];
    for (Index g = 0; g < a.stale_groups.size(); ++g) maps[s].emplace(group_key(a, a.stale_groups[g]), g);
  }
  for (StaleGroup& group : latest.stale_groups) {
    const std::uint64_t key = group_key(latest, group);
    std::vector<GrowthPoint> points;
    for (std::size_t s = 0; s < series.snapshots.size(); ++s) {
      const Analysis& a = series.snapshots[s];
      GrowthPoint p;
      p.sequence = a.profile->meta.sequence;
      p.monotonic_ns = a.profile->meta.monotonic_time_ns;
      p.wall_ns = a.profile->meta.wall_time_ns;
      const StaleGroup* found = &group;
      if (s + 1 < series.snapshots.size()) {
        auto it = maps[s].find(key);
        found = it == maps[s].end() ? nullptr : &a.stale_groups[it->second];
      }
      if (found != nullptr) {
        p.present = true;
        p.registered_children = found->entries;
        p.subtree_inuse_bytes = found->retained.bytes;
      }
      points.push_back(p);
    }
    GroupGrowth g;
    const GrowthPoint& prev = points[points.size() - 2];
    g.previous_entries = prev.registered_children;
    g.delta_entries = delta(prev.registered_children, points.back().registered_children);
    g.delta_retained_bytes = delta(prev.subtree_inuse_bytes, points.back().subtree_inuse_bytes);
    g.snapshots = static_cast<std::uint32_t>(points.size());
    g.verdict = growth_verdict(points, latest.options.growth, latest.summary.heap_inuse_bytes);
    g.entries_per_second = slope_per_second(points, &GrowthPoint::registered_children);
    g.bytes_per_second = slope_per_second(points, &GrowthPoint::subtree_inuse_bytes);
    g.entries_per_snapshot = slope_per_snapshot(points, &GrowthPoint::registered_children);
    g.bytes_per_snapshot = slope_per_snapshot(points, &GrowthPoint::subtree_inuse_bytes);
    group.growth = g;
  }
}

}  // namespace

void analyze_growth(SeriesAnalysis& series) {
  if (series.snapshots.size() < 2) return;
  Analysis& latest = series.snapshots.back();
  latest.series_length = static_cast<std::uint32_t>(series.snapshots.size());
  parents_growth(series);
  groups_growth(series);
  write_suspect_sentences(latest);
}

}  // namespace detail
}  // namespace ctxheap::analyzer
