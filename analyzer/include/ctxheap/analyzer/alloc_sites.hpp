// Allocation-site analysis, for profiles with sites but no contexts (gperftools, Go
// heap profiles) as much as for snapshots: in use vs allocated per site and per call
// path, growth of each site across a series, and a diff of two profiles by symbol path
// so two builds compare (addresses differ, function names do not).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctxheap/analyzer/findings.hpp"
#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/shown_frames.hpp"

namespace ctxheap::analyzer {

/// A site's symbol path: its frames' functions (else module+offset) from the root down
/// to the leaf, joined by ";" — the folded-stack key, stable across builds.
std::string symbol_path(const Profile& profile, Index stack);

struct AllocSite {
  StringId function = 0;       ///< the site frame (first non-runtime frame from the leaf)
  StringId file = 0;
  std::uint32_t line = 0;
  StringId module = 0;
  std::uint64_t module_offset = 0;
  Index stack = kNoIndex;      ///< the largest stack with this site frame
  std::uint32_t stacks = 0;    ///< distinct stacks merged here
  SampleCounts totals{};       ///< un-sampled estimates summed
};

/// Sites merged by their site frame (function, file, line; module+offset when
/// unsymbolized), ranked by in-use bytes, then allocated bytes.
std::vector<AllocSite> allocation_sites(const Profile& profile);
/// "function file:line", or module+0xoffset.
std::string describe_alloc_site(const Profile& profile, const AllocSite& site);

/// One node of the call tree (callers above callees), with cumulative counts.
struct CallTreeNode {
  StringId function = 0;
  /// What every output prints for the node: the function, else `module+0xoffset` for an
  /// unsymbolized frame, else its address; empty only for the root.
  std::string name{};
  Index parent = kNoIndex;
  std::uint32_t depth = 0;
  SampleCounts self{};
  SampleCounts cumulative{};
};
/// The top-down call tree of all sites, node 0 the root (function 0), over the frames
/// shown at `detail` (shown_frames.hpp: runtime frames folded away by default). At most
/// max_nodes nodes (0 = all); samples beyond stay in their deepest kept ancestor.
std::vector<CallTreeNode> call_tree(const Profile& profile, std::size_t max_nodes = 0,
                                    FrameDetail detail = FrameDetail::Folded);

/// A site's trend is a growth verdict, judged by the one rule (growth_verdict).
using SiteTrend = GrowthVerdict;

/// One allocation site followed across a series (matched by symbol path of the site
/// frame and below, i.e. describe_alloc_site).
struct SiteGrowth {
  std::string site{};
  std::vector<std::uint64_t> inuse_bytes{};  ///< per snapshot, oldest first
  SiteTrend trend = SiteTrend::Stable;
  std::int64_t last_delta_bytes = 0;
};
/// The trend is growth_verdict (series.hpp) on the site's in-use bytes, significance
/// relative to the latest snapshot's in-use heap, as for parents and stale groups.
/// Ranked by the last in-use bytes. At most `top` (0 = all).
std::vector<SiteGrowth> site_growth(const std::vector<const Profile*>& series, std::size_t top = 0);

/// One symbol path in two profiles.
struct StackDelta {
  std::string path{};
  SampleCounts before{};
  SampleCounts after{};
  std::int64_t delta_inuse_bytes() const noexcept {
    return static_cast<std::int64_t>(after.inuse_bytes) - static_cast<std::int64_t>(before.inuse_bytes);
  }
  /// For goroutine profiles (0 bytes, one object per goroutine): the change of goroutines.
  std::int64_t delta_inuse_objects() const noexcept {
    return static_cast<std::int64_t>(after.inuse_objects) - static_cast<std::int64_t>(before.inuse_objects);
  }
};
/// Sites of two profiles matched by symbol_path (addresses ignored), ranked by the
/// absolute change of in-use bytes, then of in-use objects (goroutine profiles have no
/// bytes: their stacks rank by the change of goroutines). At most `top` (0 = all).
std::vector<StackDelta> diff_by_symbol_path(const Profile& before, const Profile& after, std::size_t top = 0);

}  // namespace ctxheap::analyzer
