// The pruned context tree: the largest subtrees first, a bounded number of rows.
#include <algorithm>
#include <tuple>

#include "ctxheap/report/selection.hpp"

namespace ctxheap::report {
namespace {

using analyzer::Index;

/// The children of one open node: those shown, in order, and the sum of the others.
struct OpenNode {
  std::vector<Index> shown;
  std::size_t next = 0;
  std::uint32_t depth = 0;
  TreeRow hidden{};
};

OpenNode rank_children(const analyzer::Analysis& a, std::span<const Index> children, std::uint32_t depth,
                       std::size_t max_children) {
  OpenNode open;
  open.depth = depth;
  open.shown.assign(children.begin(), children.end());
  auto weight = [&](Index i) { return tree_weight(a.node(i)); };
  auto larger = [&](Index x, Index y) {
    return std::make_tuple(weight(y), a.node(y).subtree_contexts, x) < std::make_tuple(weight(x), a.node(x).subtree_contexts, y);
  };
  const std::size_t keep = max_children == 0 ? open.shown.size() : std::min(open.shown.size(), max_children);
  std::partial_sort(open.shown.begin(), open.shown.begin() + static_cast<std::ptrdiff_t>(keep), open.shown.end(), larger);
  open.hidden.depth = depth;
  for (std::size_t k = keep; k < open.shown.size(); ++k) {
    const auto& node = a.node(open.shown[k]);
    ++open.hidden.hidden_children;
    open.hidden.hidden_contexts += node.subtree_contexts;
    open.hidden.hidden_stale += node.stale ? 1 : 0;
    open.hidden.hidden_subtree += node.subtree;
  }
  open.shown.resize(keep);
  return open;
}

/// The row that stands for all of node i's children when the tree is cut below i's depth.
TreeRow below_depth(const analyzer::Analysis& a, Index i, std::uint32_t depth) {
  TreeRow row;
  row.depth = depth;
  for (const Index child : a.forest.children(i)) {
    const auto& node = a.node(child);
    ++row.hidden_children;
    row.hidden_contexts += node.subtree_contexts;
    row.hidden_stale += node.stale ? 1 : 0;
    row.hidden_subtree += node.subtree;
  }
  return row;
}

}  // namespace

std::vector<TreeRow> select_tree(const analyzer::Analysis& a, std::size_t max_rows, std::size_t max_children,
                                 std::size_t max_depth) {
  std::vector<TreeRow> rows;
  std::vector<OpenNode> stack;
  stack.push_back(rank_children(a, a.forest.roots(), 0, max_children));
  std::size_t context_rows = 0;
  std::uint64_t accounted = 0;  // contexts shown or summed in a summary row
  while (!stack.empty()) {
    OpenNode& top = stack.back();
    if (top.next == top.shown.size()) {
      if (top.hidden.hidden_children != 0) {
        accounted += top.hidden.hidden_contexts;
        rows.push_back(top.hidden);
      }
      stack.pop_back();
      continue;
    }
    if (max_rows != 0 && context_rows >= max_rows) break;
    const Index i = top.shown[top.next++];
    const std::uint32_t depth = top.depth;
    rows.push_back(TreeRow{i, depth});
    ++context_rows;
    ++accounted;
    if (const auto children = a.forest.children(i); children.empty()) {
      continue;
    } else if (max_depth != 0 && depth + 1 >= max_depth) {
      rows.push_back(below_depth(a, i, depth + 1));  // deeper levels: one summary row
      accounted += rows.back().hidden_contexts;
    } else {
      stack.push_back(rank_children(a, children, depth + 1, max_children));  // invalidates `top`
    }
  }
  if (accounted < a.forest.size()) {
    TreeRow rest;
    rest.hidden_contexts = a.forest.size() - accounted;
    rows.push_back(rest);
  }
  return rows;
}

}  // namespace ctxheap::report
