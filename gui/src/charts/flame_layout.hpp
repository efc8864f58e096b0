// A flame graph of allocation stacks: pure geometry over the analyzer's top-down call tree
// (analyzer::AllocationStacks). A box is one node of that tree; its width is the node's
// inclusive bytes at the chosen measure (in use or allocated) as a share of the focus
// node's, children laid side by side inside their parent, largest first, one row deeper.
// Zoomed into a node, its ancestors span the whole width above it. Boxes narrower than a
// minimum are left out (their bytes stay inside the parent's box), so the layout is
// bounded by the view's width and depth, not by the profile's stacks.
#pragma once

#include <cstdint>
#include <vector>

#include "ctxheap/analyzer/alloc_stacks.hpp"

namespace ctxheap::gui {

struct FlameBox {
  analyzer::AllocNode node{};  ///< the analyzer's node: function, totals, ref for its children
  double x0 = 0, x1 = 0;       ///< share of the width, in [0, 1]
  std::uint32_t depth = 0;     ///< 0 = the top row
  bool ancestor = false;       ///< above the zoomed node: spans the width, not to scale
  std::uint32_t parent = kNoParent;  ///< index of the parent box in the layout
  static constexpr std::uint32_t kNoParent = 0xffffffffU;
};

/// The bytes a box is sized by.
std::uint64_t flame_bytes(const analyzer::AllocNode& node, analyzer::AllocMeasure measure) noexcept;

/// Boxes of the top-down tree of `stacks`. `path` is the zoom: nodes from a child of the
/// root down to the zoomed node (empty: the whole tree); its nodes are shown as full-width
/// ancestors and the last one's subtree fills the width. Leaves out boxes narrower than
/// `min_width` and rows at depth `max_depth` and deeper.
std::vector<FlameBox> flame_layout(const analyzer::AllocationStacks& stacks, analyzer::AllocMeasure measure,
                                   const std::vector<analyzer::AllocNode>& path, double min_width,
                                   std::uint32_t max_depth);

}  // namespace ctxheap::gui
