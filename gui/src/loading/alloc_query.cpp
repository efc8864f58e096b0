#include "loading/alloc_query.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

AllocAnswer answer_alloc_query(const AllocQuery& q) {
  AllocAnswer a;
  if (q.filtered) a.stacks = q.filtered;
  else if (q.needle.empty() || !q.source) a.stacks = q.source;
  else a.stacks = std::make_shared<const an::AllocationStacks>(q.source->filtered(q.needle));
  if (q.highlight_in) {
    a.highlighted.emplace();
    if (!q.needle.empty()) *a.highlighted = q.highlight_in->find(q.needle);
  }
  if (!a.stacks) return a;
  switch (q.rows) {
    case AllocQuery::Rows::TopDown:
    case AllocQuery::Rows::BottomUp: {
      const an::AllocView view = q.rows == AllocQuery::Rows::TopDown ? an::AllocView::TopDown : an::AllocView::BottomUp;
      a.rows = a.stacks->children(view, a.stacks->root(view).ref, q.measure);
      break;
    }
    case AllocQuery::Rows::Functions:
      a.rows = a.stacks->functions(q.measure);
      if (!a.rows.empty()) a.first_edges = a.stacks->caller_callee(a.rows.front().function, q.measure);
      break;
  }
  return a;
}

}  // namespace ctxheap::gui
