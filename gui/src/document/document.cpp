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

std::span<const Index> Document::sites_of(Index context) const noexcept {
  if (context + 1 >= site_begin_.size()) return {};
  return std::span<const Index>(site_list_).subspan(site_begin_[context], site_begin_[context + 1] - site_begin_[context]);
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

  // Sampled sites by context (CSR), each context's largest first.
  const analyzer::Profile& p = *a.profile;
  const std::size_t n = p.contexts.size();
  std::vector<Index> owner(p.sites.size(), kNoIndex);
  site_begin_.assign(n + 1, 0);
  for (Index s = 0; s < p.sites.size(); ++s) {
    const analyzer::ContextId id = p.sites[s].context_id;
    if (id == 0) {
      no_context_sites_.push_back(s);
      continue;
    }
    owner[s] = a.forest.find(id);
    if (owner[s] != kNoIndex) ++site_begin_[owner[s] + 1];
  }
  for (std::size_t i = 0; i < n; ++i) site_begin_[i + 1] += site_begin_[i];
  site_list_.assign(site_begin_[n], 0);
  std::vector<std::uint32_t> fill(site_begin_.begin(), site_begin_.end() - 1);
  for (Index s = 0; s < p.sites.size(); ++s)
    if (owner[s] != kNoIndex) site_list_[fill[owner[s]]++] = s;
  const auto larger = [&p](Index x, Index y) { return p.sites[x].estimated.inuse_bytes > p.sites[y].estimated.inuse_bytes; };
  for (std::size_t i = 0; i < n; ++i)
    if (site_begin_[i + 1] - site_begin_[i] > 1)
      std::stable_sort(site_list_.begin() + site_begin_[i], site_list_.begin() + site_begin_[i + 1], larger);
  std::stable_sort(no_context_sites_.begin(), no_context_sites_.end(), larger);
}

}  // namespace ctxheap::gui
