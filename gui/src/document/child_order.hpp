// The order in which the GUI lists a node's children: a permutation of the forest's
// child lists (CSR, like RetentionForest), and each node's row within its parent. The
// default order — largest "retained" first — is built on the loading thread for the whole
// forest, so even a million-child parent opens without sorting on the UI thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::gui {

/// What a context weighs in the tree and the icicle: the in-use bytes of its subtree, or
/// for a stale entry what cancelling it frees when that is more (as the HTML report's
/// tree ranks, ctxheap::report::select_tree) — so a stale entry ranks above the value it
/// keeps alive.
std::uint64_t retained_weight(const analyzer::Analysis& analysis, analyzer::Index node) noexcept;

class ChildOrder {
 public:
  ChildOrder() = default;
  /// Every parent's children (and the roots) sorted by `before` (a strict weak order;
  /// ties keep profile order).
  ChildOrder(const analyzer::RetentionForest& forest,
             const std::function<bool(analyzer::Index, analyzer::Index)>& before);
  /// Largest retained_weight first.
  static ChildOrder by_weight(const analyzer::Analysis& analysis);

  /// Children of `parent` in this order; the roots for kNoIndex.
  std::span<const analyzer::Index> children(analyzer::Index parent) const noexcept;
  /// Row of `node` within its parent's children (or among the roots).
  std::uint32_t row(analyzer::Index node) const noexcept { return row_[node]; }
  bool empty() const noexcept { return row_.empty(); }

 private:
  std::vector<analyzer::Index> roots_;
  std::vector<std::uint32_t> begin_;  // per node, into list_; size n + 1
  std::vector<analyzer::Index> list_;
  std::vector<std::uint32_t> row_;
};

}  // namespace ctxheap::gui
