// Where a context's subtree allocated: the sampled allocation stacks of a context and of
// everything it retains in the retention forest, merged by stack. A parent holding 20,000
// stale requests has no allocation of its own; this is what answers "86.7 MiB, allocated
// where?" for it. The desktop app's stacks pane shows it for the selection.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::analyzer {

/// The sampled sites of every context (indices into Profile::sites), each context's
/// largest estimated in use first, and the sites made with no current context. Built once
/// per analysis, linear in its size.
class SitesByContext {
 public:
  SitesByContext() = default;
  explicit SitesByContext(const Analysis& analysis);
  std::span<const Index> of(Index context) const noexcept;
  std::span<const Index> without_context() const noexcept { return no_context_; }

 private:
  std::vector<std::uint32_t> begin_;
  std::vector<Index> list_;
  std::vector<Index> no_context_;
};

/// One allocation stack of a subtree: the sites with that stack summed.
struct SubtreeStack {
  Index stack = kNoIndex;
  SampleCounts counts{};     ///< un-sampled estimates, summed over the subtree's sites
  std::uint64_t contexts = 0;  ///< contexts of the subtree with a site on this stack
};

struct SubtreeStacks {
  std::vector<SubtreeStack> stacks;  ///< largest in use first, then allocated; at most `top`
  std::uint64_t distinct = 0;        ///< stacks before the cut to `top`
  std::uint64_t contexts = 0;        ///< contexts in the subtree (the node included)
  std::uint64_t sites = 0;           ///< their sampled sites
  SampleCounts total{};              ///< every site of the subtree summed
};

/// The allocation stacks of `node` and its descendants in the retention forest, merged by
/// stack, at most `top` (0 = all). Linear in the subtree's contexts and sites.
SubtreeStacks subtree_stacks(const Analysis& analysis, const SitesByContext& sites, Index node, std::size_t top = 0);

}  // namespace ctxheap::analyzer
