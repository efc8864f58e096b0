// What stale entries keep alive beyond their own subtree: the value contexts (request
// bodies, say) between a stale entry and its registrar that only that entry references.
// They hang under the registrar in the retention forest, not under the entry, so a view of
// the forest needs this to show them as held by the leak (retained_if_cancelled counts them).
#pragma once

#include <vector>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::analyzer {

/// The topmost value context on stale entry `i`'s created-from chain that only it
/// references (its forest subtree holds every such value), or kNoIndex when there is none.
/// The walk is the one retained_if_cancelled describes.
Index exclusive_values_of(const RetentionForest& forest, Index i);

/// Per forest node: the stale entry whose exclusive values it tops (exclusive_values_of),
/// else kNoIndex. What the icicle and the tree show as "kept alive by a stale entry".
std::vector<Index> kept_alive_by_stale(const Analysis& analysis);

}  // namespace ctxheap::analyzer
