// An icicle (top-down flame graph) of the retention forest sized by in-use bytes. As a
// flame graph merges equal frames, siblings created at the same site with the same name
// merge into one box ("20,000 × request"; eight servers named server-1 … server-8 stay
// eight boxes), so a parent holding a million small children still shows them as
// one wide, readable box. A box's width is its contexts' subtree in-use bytes as a share
// of the root's; boxes narrower than a minimum are left out (their bytes stay inside the
// parent's box), so the layout is bounded by the view, not by the forest.
#pragma once

#include <cstdint>
#include <vector>

#include "document/document.hpp"

namespace ctxheap::gui {

struct IcicleBox {
  analyzer::Index node = analyzer::kNoIndex;  ///< the first (largest) context of the box
  std::uint64_t contexts = 1;                 ///< siblings merged into it (same parent box, same site)
  std::uint64_t stale = 0;                    ///< of which stale entries
  std::uint64_t kept_alive = 0;               ///< of which value contexts kept alive by a stale entry
  analyzer::Index first_stale = analyzer::kNoIndex;  ///< a stale entry of the box, or one keeping it alive
  std::uint64_t inuse_bytes = 0;              ///< their subtrees' in-use bytes
  double x0 = 0, x1 = 0;                      ///< share of the width, in [0, 1]
  std::uint32_t depth = 0;                    ///< 0 = the top row
};

/// Boxes of the subtree of `root` (every root for kNoIndex). Leaves out boxes narrower
/// than `min_width` and rows at depth `max_depth` and deeper.
std::vector<IcicleBox> icicle_layout(const Document& document, analyzer::Index root, double min_width,
                                     std::uint32_t max_depth);

}  // namespace ctxheap::gui
