#include "charts/icicle_layout.hpp"

#include <algorithm>
#include <unordered_map>

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;
using an::Index;
using an::kNoIndex;

namespace {

struct Group {
  std::vector<Index> nodes;
  std::uint64_t bytes = 0;
  std::uint64_t stale = 0;
};

/// `nodes` grouped by creation site and name, largest group first; within a group the
/// largest context first (it names the box).
std::vector<Group> group_by_site(const an::Analysis& a, const std::vector<Index>& nodes) {
  std::vector<Group> groups;
  std::unordered_map<std::uint64_t, std::size_t> by_site;
  for (Index n : nodes) {
    const std::uint64_t key = (std::uint64_t{a.context_site[n]} << 32) | a.context(n).name;
    const auto [it, added] = by_site.try_emplace(key, groups.size());
    if (added) groups.emplace_back();
    Group& g = groups[it->second];
    g.nodes.push_back(n);
    g.bytes += a.node(n).subtree.inuse_bytes();
    g.stale += a.node(n).stale ? 1 : 0;
  }
  std::stable_sort(groups.begin(), groups.end(), [](const Group& x, const Group& y) { return x.bytes > y.bytes; });
  for (Group& g : groups) {
    const auto largest = std::max_element(g.nodes.begin(), g.nodes.end(), [&](Index x, Index y) {
      return a.node(x).subtree.inuse_bytes() < a.node(y).subtree.inuse_bytes();
    });
    std::iter_swap(g.nodes.begin(), largest);
  }
  return groups;
}

}  // namespace

std::vector<IcicleBox> icicle_layout(const Document& document, Index root, double min_width, std::uint32_t max_depth) {
  const an::Analysis& a = document.latest();
  std::vector<IcicleBox> boxes;
  if (max_depth == 0 || a.forest.size() == 0) return boxes;

  std::vector<Index> top;
  if (root == kNoIndex) {
    const auto roots = a.forest.roots();
    top.assign(roots.begin(), roots.end());
  } else {
    top.push_back(root);
  }
  double total = 0;
  for (Index r : top) total += static_cast<double>(a.node(r).subtree.inuse_bytes());
  if (total <= 0) return boxes;

  struct Pending {
    std::vector<Index> nodes;  // the box's contexts
    double x0;
    std::uint32_t depth;
  };
  std::vector<Pending> stack;
  const auto push_groups = [&](const std::vector<Index>& nodes, double x0, std::uint32_t depth) {
    double x = x0;
    std::vector<Group> groups = group_by_site(a, nodes);
    // Pushed in reverse so the largest is laid out (and emitted) first.
    std::vector<Pending> level;
    for (Group& g : groups) {
      const double w = static_cast<double>(g.bytes) / total;
      if (w >= min_width) level.push_back({std::move(g.nodes), x, depth});
      x += w;
    }
    for (auto it = level.rbegin(); it != level.rend(); ++it) stack.push_back(std::move(*it));
  };
  push_groups(top, 0.0, 0);
  std::vector<Index> children;
  while (!stack.empty()) {
    Pending p = std::move(stack.back());
    stack.pop_back();
    IcicleBox box;
    box.node = p.nodes.front();
    box.contexts = p.nodes.size();
    box.x0 = box.x1 = p.x0;
    box.depth = p.depth;
    for (Index n : p.nodes) {
      box.inuse_bytes += a.node(n).subtree.inuse_bytes();
      const Index keeper = document.kept_alive_by(n);
      if (a.node(n).stale) {
        ++box.stale;
        if (box.first_stale == kNoIndex) box.first_stale = n;
      } else if (keeper != kNoIndex) {
        ++box.kept_alive;
        if (box.first_stale == kNoIndex) box.first_stale = keeper;
      }
    }
    box.x1 = p.x0 + static_cast<double>(box.inuse_bytes) / total;
    boxes.push_back(box);
    if (p.depth + 1 >= max_depth) continue;
    children.clear();
    for (Index n : p.nodes)
      for (Index c : a.forest.children(n)) children.push_back(c);
    if (!children.empty()) push_groups(children, p.x0, p.depth + 1);
  }
  return boxes;
}

}  // namespace ctxheap::gui
