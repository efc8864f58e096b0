#include "charts/flame_layout.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

std::uint64_t flame_bytes(const an::AllocNode& node, an::AllocMeasure measure) noexcept {
  return measure == an::AllocMeasure::InUse ? node.total.inuse_bytes : node.total.alloc_bytes;
}

std::vector<FlameBox> flame_layout(const an::AllocationStacks& stacks, an::AllocMeasure measure,
                                   const std::vector<an::AllocNode>& path, double min_width, std::uint32_t max_depth) {
  std::vector<FlameBox> boxes;
  if (max_depth == 0) return boxes;
  // The focus: the zoomed node, or the root (not drawn: the top row is its children).
  std::uint32_t depth = 0;
  const auto last = [&] { return boxes.empty() ? FlameBox::kNoParent : static_cast<std::uint32_t>(boxes.size() - 1); };
  for (std::size_t k = 0; k + 1 < path.size() && depth < max_depth; ++k, ++depth)
    boxes.push_back({path[k], 0.0, 1.0, depth, true, last()});
  const an::AllocNode focus = path.empty() ? stacks.root(an::AllocView::TopDown) : path.back();
  const double total = static_cast<double>(flame_bytes(focus, measure));
  if (total <= 0) return boxes;
  if (!path.empty()) {
    if (depth >= max_depth) return boxes;
    boxes.push_back({focus, 0.0, 1.0, depth, false, last()});
    ++depth;
  }
  if (!focus.has_children) return boxes;

  struct Pending {
    an::AllocNodeRef ref;
    double x0;
    std::uint32_t depth;
    std::uint32_t parent;
  };
  std::vector<Pending> stack{{focus.ref, 0.0, depth, last()}};
  std::vector<FlameBox> level;
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (p.depth >= max_depth) continue;
    double x = p.x0;
    level.clear();
    for (const an::AllocNode& child : stacks.children(an::AllocView::TopDown, p.ref, measure)) {
      const double w = static_cast<double>(flame_bytes(child, measure)) / total;
      if (w < min_width) break;  // largest first: the rest are narrower still
      level.push_back({child, x, x + w, p.depth, false, p.parent});
      x += w;
    }
    // Emitted largest first; the rows below are laid out depth first, largest first.
    const auto first = static_cast<std::uint32_t>(boxes.size());
    for (const FlameBox& b : level) boxes.push_back(b);
    for (std::uint32_t k = static_cast<std::uint32_t>(level.size()); k-- > 0;)
      if (level[k].node.has_children) stack.push_back({level[k].node.ref, level[k].x0, p.depth + 1, first + k});
  }
  return boxes;
}

}  // namespace ctxheap::gui
