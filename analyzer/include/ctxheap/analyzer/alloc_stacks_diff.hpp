// The diff of two inputs' allocation stacks, as every view of them folds them: per folded
// stack and per function (inclusive and self), before and after, for the CLI's text,
// HTML and Markdown diff, the JSON diff and the desktop app's Diff tab alike.
//
// Both sides are AllocationStacks at one FrameDetail (runtime, standard-library and
// allocator frames folded and templates shortened by default, every frame with All), so a
// stack is matched across inputs by its shown function names, root first: addresses,
// lines and the folded frames do not split it. A search is the analyzer's too: diff the
// two sides' filtered(needle).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctxheap/analyzer/alloc_stacks.hpp"

namespace ctxheap::analyzer {

/// Signed change of a figure, after minus before.
inline std::int64_t signed_change(std::uint64_t before, std::uint64_t after) noexcept {
  return after >= before ? static_cast<std::int64_t>(after - before) : -static_cast<std::int64_t>(before - after);
}

/// One folded stack on either side.
struct AllocStackDelta {
  std::vector<std::string> frames{};  ///< shown function names, root first
  SampleCounts before{};
  SampleCounts after{};
  std::int64_t delta_inuse_bytes() const noexcept { return signed_change(before.inuse_bytes, after.inuse_bytes); }
  std::int64_t delta_inuse_objects() const noexcept { return signed_change(before.inuse_objects, after.inuse_objects); }
  std::int64_t delta_alloc_bytes() const noexcept { return signed_change(before.alloc_bytes, after.alloc_bytes); }
  /// The frames joined by ';', root first (folded-stack style).
  std::string path() const;
};

/// One function on either side: inclusive (stacks through it, once per stack) and self.
struct AllocFunctionDelta {
  std::string name{};
  SampleCounts total_before{}, total_after{};
  SampleCounts self_before{}, self_after{};
  std::int64_t delta_inuse_bytes() const noexcept { return signed_change(total_before.inuse_bytes, total_after.inuse_bytes); }
  std::int64_t delta_inuse_objects() const noexcept {
    return signed_change(total_before.inuse_objects, total_after.inuse_objects);
  }
};

struct AllocationDiff {
  FrameDetail detail = FrameDetail::Folded;
  /// Neither side has bytes, only objects (goroutine profiles: one object per goroutine):
  /// figures are counts, ranked by the change of objects.
  bool objects_only = false;
  /// Whether either side's figures are estimates scaled from samples (AllocationStacks::estimated).
  bool estimated = false;
  SampleCounts total_before{}, total_after{};
  /// Changed stacks (unchanged ones left out) by |Δ in-use bytes|, then |Δ in-use
  /// objects|, then |Δ allocated bytes|, largest first.
  std::vector<AllocStackDelta> stacks;
  /// Changed functions, in the same order by their inclusive figures.
  std::vector<AllocFunctionDelta> functions;
};

/// `before` and `after` must be at the same detail. At most `top` stacks and functions
/// (0 = all). Linear in both sides' frames plus the sort of the changed rows.
AllocationDiff diff_allocation_stacks(const AllocationStacks& before, const AllocationStacks& after, std::size_t top = 0);

/// The same for two profiles, folded at `detail`.
AllocationDiff diff_allocation_stacks(const Profile& before, const Profile& after, FrameDetail detail, std::size_t top = 0);

}  // namespace ctxheap::analyzer
