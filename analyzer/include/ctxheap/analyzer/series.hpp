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
  /// An interval counts as growth when children grow by more than
  /// max(children_tolerance_abs, children_tolerance_rel * previous) or in-use bytes by
  /// more than max(bytes_tolerance_abs, bytes_tolerance_rel * previous); likewise for
  /// shrinking.
  std::uint64_t children_tolerance_abs = 0;
  double children_tolerance_rel = 0.02;
  std::uint64_t bytes_tolerance_abs = 4096;
  double bytes_tolerance_rel = 0.02;
};

/// One parent at one snapshot of the series.
struct GrowthPoint {
  std::uint64_t sequence = 0;
  std::uint64_t monotonic_ns = 0;
  bool present = false;  ///< the context existed in that snapshot
  std::uint64_t registered_children = 0;
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
};

/// The verdict rule on a sequence of (children, bytes) values (docs/analysis.md).
GrowthVerdict growth_verdict(const std::vector<GrowthPoint>& points, const GrowthOptions& options);
/// Least-squares slope of value(point) per second of monotonic time; 0 when undefined.
double slope_per_second(const std::vector<GrowthPoint>& points, std::uint64_t GrowthPoint::*value);

}  // namespace ctxheap::analyzer
