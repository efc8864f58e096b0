#include "document/document.hpp"

#include <algorithm>

#include "ctxheap/report/selection.hpp"

namespace ctxheap::gui {

using analyzer::Index;
using analyzer::kNoIndex;

Document::Document(LoadRequest request, analyzer::SeriesAnalysis series, std::optional<analyzer::Analysis> compared)
    : request_(std::move(request)), series_(std::move(series)), compared_(std::move(compared)) {}

const analyzer::Analysis* Document::diff_before() const noexcept {
  if (!diff_) return nullptr;
  return compared_ ? &latest() : &series_.snapshots.front();
}

const analyzer::Analysis* Document::diff_after() const noexcept {
  if (!diff_) return nullptr;
  return compared_ ? &*compared_ : &latest();
}

void Document::prepare(const analyzer::RunControl& control) {
  const analyzer::Analysis& a = latest();
  if (compared_)
    diff_ = analyzer::diff(a, *compared_, {}, control);
  else if (series_.snapshots.size() > 1)
    diff_ = analyzer::diff(series_.snapshots.front(), a, {}, control);
  if (control.cancel != nullptr && control.cancel->load()) throw analyzer::Cancelled();

  order_ = ChildOrder::by_weight(a);
  top_parents_ = report::top_parents(a, kTopParents);

  sites_ = analyzer::SitesByContext(a);
  kept_alive_ = analyzer::kept_alive_by_stale(a);
  if (control.cancel != nullptr && control.cancel->load()) throw analyzer::Cancelled();
  stacks_folded_ = std::make_shared<const analyzer::AllocationStacks>(*a.profile, analyzer::FrameDetail::Folded);
  if (control.cancel != nullptr && control.cancel->load()) throw analyzer::Cancelled();
  stacks_all_ = std::make_shared<const analyzer::AllocationStacks>(*a.profile, analyzer::FrameDetail::All);
}

}  // namespace ctxheap::gui
