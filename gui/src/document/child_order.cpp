#include "document/child_order.hpp"


namespace ctxheap::gui {

using analyzer::Index;
using analyzer::kNoIndex;

std::uint64_t retained_weight(const analyzer::Analysis& analysis, Index node) noexcept {
  return analyzer::tree_weight(analysis.node(node));
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
