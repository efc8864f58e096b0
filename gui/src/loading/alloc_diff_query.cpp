#include "loading/alloc_diff_query.hpp"

#include "document/document.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

AllocDiffAnswer answer_alloc_diff_query(const AllocDiffQuery& q) {
  AllocDiffAnswer a;
  if (!q.document || q.document->diff() == nullptr) return a;
  const an::Analysis* before = q.document->diff_before();
  const an::Analysis* after = q.document->diff_after();
  const auto own = [&](const an::Analysis* side) -> std::shared_ptr<const an::AllocationStacks> {
    if (side == &q.document->latest()) return q.document->allocation_stacks(q.detail);  // built while loading
    return std::make_shared<const an::AllocationStacks>(*side->profile, q.detail);
  };
  a.before = q.before ? q.before : own(before);
  a.after = q.after ? q.after : own(after);
  a.diff = std::make_shared<const an::AllocationDiff>(
      q.needle.empty() ? an::diff_allocation_stacks(*a.before, *a.after)
                       : an::diff_allocation_stacks(a.before->filtered(q.needle), a.after->filtered(q.needle)));
  return a;
}

}  // namespace ctxheap::gui
