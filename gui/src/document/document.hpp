// What the app shows: the analyzer's results for one open set of snapshots, immutable
// once loaded and shared between the views. Built on the loading thread
// (load_document.hpp); the UI thread only reads it.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "ctxheap/analyzer/alloc_stacks.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/diff.hpp"
#include "ctxheap/analyzer/kept_alive.hpp"
#include "ctxheap/analyzer/subtree_stacks.hpp"
#include "document/child_order.hpp"

namespace ctxheap::gui {

/// What to open. `files`: one snapshot, several snapshots of one run (a series), or two
/// snapshots of different runs (before and after: compared). `compare`: optionally another
/// run's snapshot to compare the latest of `files` with (e.g. after a fix).
struct LoadRequest {
  std::vector<std::filesystem::path> files;
  std::filesystem::path compare;
  /// How the analyzer ranks stale groups and suspects (View > Rank Suspects by Count).
  analyzer::SuspectRanking rank_by = analyzer::SuspectRanking::RetainedBytes;
  bool operator==(const LoadRequest&) const = default;
};

class Document {
 public:
  Document(LoadRequest request, analyzer::SeriesAnalysis series, std::optional<analyzer::Analysis> compared);

  const LoadRequest& request() const noexcept { return request_; }
  /// The snapshots of the open run, oldest first (at least one).
  const analyzer::SeriesAnalysis& series() const noexcept { return series_; }
  /// The snapshot the summary, tree, stacks and charts show: the latest of the run.
  const analyzer::Analysis& latest() const noexcept { return series_.latest(); }
  /// The other run's snapshot, when two runs were opened.
  const analyzer::Analysis* compared() const noexcept { return compared_ ? &*compared_ : nullptr; }

  /// The before/after diff: the first and the latest snapshot of a series, or the latest
  /// and the compared run. Null with a single snapshot.
  const analyzer::ProfileDiff* diff() const noexcept { return diff_ ? &*diff_ : nullptr; }
  const analyzer::Analysis* diff_before() const noexcept;
  const analyzer::Analysis* diff_after() const noexcept;

  /// The tree's default child order (largest retained_weight first) of latest().
  const ChildOrder& order() const noexcept { return order_; }
  /// The sampled allocation sites (indices into Profile::sites) of a context of latest(),
  /// largest estimated in-use bytes first.
  std::span<const analyzer::Index> sites_of(analyzer::Index context) const noexcept { return sites_.of(context); }
  /// The index behind sites_of (analyzer::SitesByContext), for subtree_stacks().
  const analyzer::SitesByContext& sites_by_context() const noexcept { return sites_; }
  /// The top parents of latest() by subtree in use (ctxheap::report::top_parents, as the
  /// reports rank them), at most kTopParents.
  static constexpr std::size_t kTopParents = 10;
  const std::vector<analyzer::Index>& top_parents() const noexcept { return top_parents_; }
  /// Per node of latest(): the stale entry whose exclusive value contexts it tops, else
  /// kNoIndex (analyzer::kept_alive_by_stale).
  analyzer::Index kept_alive_by(analyzer::Index node) const noexcept {
    return node < kept_alive_.size() ? kept_alive_[node] : analyzer::kNoIndex;
  }
  /// Sites made with no current context.
  std::span<const analyzer::Index> sites_without_context() const noexcept { return sites_.without_context(); }

  /// The allocation stacks of latest() for the Allocations tab, folded or with every
  /// frame (analyzer::AllocationStacks, built once here, shared by the tab's models).
  const std::shared_ptr<const analyzer::AllocationStacks>& allocation_stacks(analyzer::FrameDetail detail) const noexcept {
    return detail == analyzer::FrameDetail::All ? stacks_all_ : stacks_folded_;
  }

  /// Computes the diff, the orders and the indexes. Separate from the constructor so the
  /// loader can report progress and cancel between steps.
  void prepare(const analyzer::RunControl& control);

 private:
  LoadRequest request_;
  analyzer::SeriesAnalysis series_;
  std::optional<analyzer::Analysis> compared_;
  std::optional<analyzer::ProfileDiff> diff_;
  ChildOrder order_;
  std::vector<analyzer::Index> top_parents_;
  analyzer::SitesByContext sites_;
  std::vector<analyzer::Index> kept_alive_;
  std::shared_ptr<const analyzer::AllocationStacks> stacks_folded_ = std::make_shared<analyzer::AllocationStacks>();
  std::shared_ptr<const analyzer::AllocationStacks> stacks_all_ = std::make_shared<analyzer::AllocationStacks>();
};

}  // namespace ctxheap::gui
