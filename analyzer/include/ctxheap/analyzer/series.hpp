// Growth across a series of snapshots of one run: per parent (live cancelable contexts
// holding children or a large subtree) and per stale group.
#pragma once

#include <cstdint>
#include <vector>

#include "ctxheap/analyzer/findings.hpp"
#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer {

struct GrowthOptions {
  /// A parent without registered children is still followed when its subtree holds at
  /// least this share of the in-use heap (a cache under a long-lived context).
  double min_heap_share = 0.01;
  /// Significance (docs/analysis.md, "Growth"): a change between two snapshots counts
  /// when children change by at least max(min_children_change,
  /// children_tolerance_rel * previous), or in-use bytes by at least
  /// max(bytes_tolerance_abs, min_bytes_heap_share * in-use heap of the latest snapshot,
  /// bytes_tolerance_rel * previous). Smaller changes are flat: +4 KiB next to
  /// megabytes, or one more child, is no growth.
  std::uint64_t min_children_change = 10;
  double children_tolerance_rel = 0.02;
  std::uint64_t bytes_tolerance_abs = 4096;
  double min_bytes_heap_share = 0.01;
  double bytes_tolerance_rel = 0.02;
};

/// One parent at one snapshot of the series.
struct GrowthPoint {
  std::uint64_t sequence = 0;
  std::uint64_t monotonic_ns = 0;
  bool present = false;  ///< the context existed in that snapshot
  std::uint64_t wall_ns = 0;  ///< for inputs without a steady clock (Go profiles)
  std::uint64_t registered_children = 0;  ///< entries in its children set (inferred records count as many)
  std::uint64_t stale_children = 0;
  std::uint64_t subtree_inuse_objects = 0;
  std::uint64_t subtree_inuse_bytes = 0;
};

/// A parent followed across the series; the latest snapshot's context.
struct ParentGrowth {
  Index context = kNoIndex;  ///< in the latest snapshot
  ContextId id = 0;
  std::vector<GrowthPoint> points;  ///< one per snapshot, oldest first
  GrowthVerdict verdict = GrowthVerdict::Stable;
  std::int64_t last_children_delta = 0;  ///< last snapshot - the one before
  std::int64_t last_bytes_delta = 0;
  double children_per_second = 0;  ///< least-squares slope over the series
  double bytes_per_second = 0;
  double children_per_snapshot = 0;  ///< (last - first) / (snapshots - 1)
  double bytes_per_snapshot = 0;
};

/// The verdict rule on a sequence of (children, bytes) values (docs/analysis.md,
/// "Growth"); heap_inuse_bytes is the latest snapshot's in-use heap (0 = unknown), the
/// base of min_bytes_heap_share. Significantly larger at the end than at the start:
/// Growing when it never fell and grew in the last interval, Plateau when flat at the
/// end, Fluctuating when it fell on the way; not larger: Transient when some snapshot
/// was significantly above the start, else Stable; significantly smaller: Shrinking.
GrowthVerdict growth_verdict(const std::vector<GrowthPoint>& points, const GrowthOptions& options,
                             std::uint64_t heap_inuse_bytes = 0);
/// Least-squares slope of value(point) per second of monotonic time (wall time when the
/// input has no steady clock); 0 when undefined.
double slope_per_second(const std::vector<GrowthPoint>& points, std::uint64_t GrowthPoint::*value);
/// (last - first) / (points - 1): the average change per snapshot; 0 with fewer than two.
double slope_per_snapshot(const std::vector<GrowthPoint>& points, std::uint64_t GrowthPoint::*value);

}  // namespace ctxheap::analyzer
