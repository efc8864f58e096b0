#include "document/child_order.hpp"

#include <algorithm>

namespace ctxheap::gui {

using analyzer::Index;
using analyzer::kNoIndex;

std::uint64_t retained_weight(const analyzer::Analysis& analysis, Index node) noexcept {
  const analyzer::RetentionNode& n = analysis.node(node);
  return std::max(n.subtree.inuse_bytes(), n.retained.bytes);
}

ChildOrder::ChildOrder(const analyzer::RetentionForest& forest, const std::function<bool(Index, Index)>& before) {
  const std::size_t n = forest.size();
  row_.assign(n, 0);
  begin_.assign(n + 1, 0);
  list_.reserve(n);
  const auto sorted_into = [&](std::span<const Index> source, std::vector<Index>& out) {
    const std::size_t first = out.size();
    out.insert(out.end(), source.begin(), source.end());
    std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), before);
    for (std::size_t r = first; r < out.size(); ++r) row_[out[r]] = static_cast<std::uint32_t>(r - first);
  };
  sorted_into(forest.roots(), roots_);
  for (Index i = 0; i < n; ++i) {
    begin_[i] = static_cast<std::uint32_t>(list_.size());
    sorted_into(forest.children(i), list_);
  }
  begin_[n] = static_cast<std::uint32_t>(list_.size());
}

ChildOrder ChildOrder::by_weight(const analyzer::Analysis& analysis) {
  std::vector<std::uint64_t> weight(analysis.forest.size());
  for (Index i = 0; i < weight.size(); ++i) weight[i] = retained_weight(analysis, i);
  return ChildOrder(analysis.forest, [&](Index a, Index b) { return weight[a] > weight[b]; });
}

std::span<const Index> ChildOrder::children(Index parent) const noexcept {
  if (parent == kNoIndex) return roots_;
  if (parent + 1 >= begin_.size()) return {};
  return std::span<const Index>(list_).subspan(begin_[parent], begin_[parent + 1] - begin_[parent]);
}

}  // namespace ctxheap::gui
