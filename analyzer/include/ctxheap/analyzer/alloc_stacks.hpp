// Allocation stacks, aggregated for every view of them: the top-down call tree (callers
// above callees, from main), the bottom-up tree (the allocating function first, its
// callers below) and caller/callee of one function, each with in-use and allocated
// bytes and objects, inclusive and self. One answer for every input kind: ctxheap
// snapshots (sampled sites of every context and of no context), gperftools dumps and Go
// heap profiles; the desktop app's Allocations tab shows it.
//
// Frames are those shown_frames() shows at the chosen FrameDetail (runtime, standard
// library and allocator frames folded by default) under shown_frame_name(); a function
// is one shown name, interned once (FunctionId), so two frames of one function at
// different lines are one node.
//
// Scale: the stacks are folded, merged and sorted once (root-first order for top-down,
// leaf-first for bottom-up). A node of either tree is then a contiguous range of sorted
// stacks sharing its path: its children are found by galloping search, its totals are a difference of
// prefix sums; nothing is built before it is asked for, nothing recurses on stack depth, 1M stacks
// cost their sort. Adjacent frames folded to one name (template instantiations) are one call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/estimate.hpp"
#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/shown_frames.hpp"

namespace ctxheap::analyzer {

/// What the views rank by: what is still held (in use) or everything allocated.
enum class AllocMeasure : std::uint8_t { InUse, Allocated };
enum class AllocView : std::uint8_t { TopDown, BottomUp };

/// A function as the views show it: an index into AllocationStacks' names.
using FunctionId = std::uint32_t;

/// Where a node sits: positions [begin, end) of its view's sorted stacks, all sharing the
/// node's path of `depth` frames. Opaque to callers; pass it back to children().
struct AllocNodeRef {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::uint32_t depth = 0;
};

/// One row of a view.
struct AllocNode {
  FunctionId function = 0;  ///< meaningless for a root
  /// Inclusive: every allocation on the stacks through this node (or, for caller and
  /// callee rows, through that call).
  SampleCounts total{};
  /// Self: the part whose allocating (leaf) frame is this node's function.
  SampleCounts self{};
  /// The sampled objects behind `total` (for its confidence range, estimate()).
  std::uint64_t sampled_objects = 0;
  AllocNodeRef ref{};       ///< for children(); empty for caller/callee and function rows
  bool has_children = false;
};

/// One function's callers and callees (heaptrack's caller/callee view).
struct CallerCallee {
  AllocNode function{};               ///< the function itself: inclusive over stacks through it once
  std::vector<AllocNode> callers{};   ///< who calls it directly, each with what flows through that call
  std::vector<AllocNode> callees{};   ///< what it calls directly
};

class AllocationStacks {
 public:
  AllocationStacks() = default;
  /// Folds, merges and sorts the profile's sites' stacks at `detail`. Linear in the
  /// frames plus the sort.
  AllocationStacks(const Profile& profile, FrameDetail detail = FrameDetail::Folded);

  FrameDetail detail() const noexcept { return detail_; }
  /// Whether the figures are estimates scaled up from samples (estimate.hpp: the mean
  /// sampling interval is over one byte); then each has a range, estimate().
  bool estimated() const noexcept { return interval_ > 1; }
  /// Every site of the input summed (after filtered(): of the stacks kept).
  SampleCounts total() const noexcept;
  /// Distinct folded stacks.
  std::size_t stack_count() const noexcept { return counts_.size(); }
  std::size_t function_count() const noexcept { return names_.size(); }
  std::string_view function_name(FunctionId f) const noexcept {
    return f < names_.size() ? std::string_view(names_[f]) : std::string_view{};
  }
  /// Folded stack `i` (< stack_count(), in top-down order): its functions, root first.
  std::span<const FunctionId> stack(std::size_t i) const noexcept {
    return i < counts_.size() ? std::span<const FunctionId>(frames_).subspan(offsets_[i], offsets_[i + 1] - offsets_[i])
                              : std::span<const FunctionId>{};
  }
  /// What folded stack `i` allocated (every site with that folded stack summed).
  SampleCounts stack_counts(std::size_t i) const noexcept { return i < counts_.size() ? counts_[i] : SampleCounts{}; }

  /// The root of a view: total() with every stack under it; its self is the stacks with
  /// no frame at all.
  AllocNode root(AllocView view) const noexcept;
  /// The children of a node of `view` (root() or a row children() returned), largest
  /// first by `order` (bytes, then objects, then the order functions were first met).
  /// O(k log n) for k children of a node of n stacks, plus sorting them.
  std::vector<AllocNode> children(AllocView view, const AllocNodeRef& node, AllocMeasure order) const;

  /// Every function with its inclusive total (stacks through it, counted once per stack
  /// however often it recurses) and self, largest first by `order`. Linear in the frames.
  std::vector<AllocNode> functions(AllocMeasure order) const;
  /// `function`'s callers and callees, largest first by `order`. Linear in the frames.
  CallerCallee caller_callee(FunctionId function, AllocMeasure order) const;

  /// The functions whose shown name contains `needle` (ASCII case-insensitive).
  std::vector<FunctionId> find(std::string_view needle) const;
  /// The same views over only the stacks through a function whose name contains
  /// `needle`; an empty needle keeps everything. Linear in the frames.
  AllocationStacks filtered(std::string_view needle) const;

  /// `node`'s figure at `measure` (bytes) with its 95 % range by the estimate model:
  /// exact when not estimated(), else the Poisson range of its sampled objects, scaled.
  Estimate estimate(const AllocNode& node, AllocMeasure measure) const noexcept;

 private:
  std::uint32_t length(std::uint32_t stack) const noexcept { return offsets_[stack + 1] - offsets_[stack]; }
  /// Frame `k` of `stack` in `view`'s order (root-first for top-down, leaf-first for bottom-up).
  FunctionId frame(AllocView view, std::uint32_t stack, std::uint32_t k) const noexcept {
    return view == AllocView::TopDown ? frames_[offsets_[stack] + k] : frames_[offsets_[stack + 1] - 1 - k];
  }
  std::uint32_t at(AllocView view, std::uint32_t position) const noexcept {
    return view == AllocView::TopDown ? position : bottom_up_[position];
  }
  SampleCounts range_sum(AllocView view, std::uint32_t begin, std::uint32_t end) const noexcept;
  std::uint64_t range_sampled(AllocView view, std::uint32_t begin, std::uint32_t end) const noexcept;
  void index();  // bottom_up_ and the prefix sums from frames_, offsets_, counts_

  FrameDetail detail_ = FrameDetail::Folded;
  std::uint64_t interval_ = 0;
  std::vector<std::string> names_;
  // Stacks in top-down (root-first lexicographic) order; frames root first.
  std::vector<FunctionId> frames_;
  std::vector<std::uint32_t> offsets_{0};
  std::vector<SampleCounts> counts_;
  std::vector<std::uint64_t> sampled_;  ///< sampled objects per stack
  std::vector<std::uint32_t> bottom_up_;  ///< stacks in leaf-first lexicographic order
  std::vector<SampleCounts> prefix_top_down_, prefix_bottom_up_;
  std::vector<std::uint64_t> sampled_top_down_, sampled_bottom_up_;
};

/// How a figure of a view reads: "≈" before an estimate, nothing before an exact count.
std::string_view estimate_mark(const AllocationStacks& stacks) noexcept;

}  // namespace ctxheap::analyzer
