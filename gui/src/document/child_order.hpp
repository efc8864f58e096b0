// The order in which the GUI lists a node's children: a permutation of the forest's
// child lists (CSR, like RetentionForest), and each node's row within its parent. The
// default order — largest "retained" first — is built on the loading thread for the whole
// forest, so even a million-child parent opens without sorting on the UI thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::gui {

/// What a context weighs in the tree and the icicle: the analyzer's tree_weight (the
/// rule the reports' tree ranks by too).
std::uint64_t retained_weight(const analyzer::Analysis& analysis, analyzer::Index node) noexcept;

class ChildOrder {
 public:
  ChildOrder() = default;
  /// Every parent's children (and the roots) sorted by `before` (a strict weak order;
  /// ties keep profile order).
  template <typename Before>
  ChildOrder(const analyzer::RetentionForest& forest, Before before);
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

template <typename Before>
ChildOrder::ChildOrder(const analyzer::RetentionForest& forest, Before before) {
  const std::size_t n = forest.size();
  row_.assign(n, 0);
  begin_.assign(n + 1, 0);
  list_.reserve(n);
  const auto sorted_into = [&](std::span<const analyzer::Index> source, std::vector<analyzer::Index>& out) {
    const std::size_t first = out.size();
    out.insert(out.end(), source.begin(), source.end());
    if (source.size() > 1) std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), before);
    for (std::size_t r = first; r < out.size(); ++r) row_[out[r]] = static_cast<std::uint32_t>(r - first);
  };
  sorted_into(forest.roots(), roots_);
  for (analyzer::Index i = 0; i < n; ++i) {
    begin_[i] = static_cast<std::uint32_t>(list_.size());
    sorted_into(forest.children(i), list_);
  }
  begin_[n] = static_cast<std::uint32_t>(list_.size());
}

}  // namespace ctxheap::gui
