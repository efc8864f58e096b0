// The JSON report's "diff": totals on both sides, stale groups fixed/new/persisting, and
// the sites and parents that changed most.
#include <algorithm>

#include "common/describe.hpp"
#include "common/diff_sides.hpp"
#include "json/json_parts.hpp"

namespace ctxheap::report::detail {
namespace {

Json before_after(std::uint64_t before, std::uint64_t after) {
  return Json{{"before", before}, {"after", after}, {"delta", delta(before, after)}};
}

Json site_side_json(const analyzer::SiteSide& s) {
  return Json{{"present", s.site != analyzer::kNoIndex},
              {"contexts", s.contexts},
              {"live", s.live},
              {"stale", s.stale},
              {"self", counters_json(s.self)},
              {"stale_retained_bytes", s.stale_retained.bytes}};
}

Json parent_side_json(const analyzer::ParentSide& p) {
  return Json{{"present", p.context != analyzer::kNoIndex},
              {"contexts", p.contexts},
              {"registered_children", p.registered_children},
              {"stale_children", p.stale_children},
              {"subtree", counters_json(p.subtree)}};
}

template <class Row, class ToJson>
Json top_rows(const std::vector<Row>& rows, std::size_t top, ToJson to_json) {
  Json out = Json::array();
  for (std::size_t k = 0; k < rows.size() && (top == 0 || k < top); ++k) out.push_back(to_json(rows[k]));
  return out;
}

}  // namespace

Json diff_json(const ReportSubject& subject, const ReportOptions& options) {
  const analyzer::Analysis& before = *subject.before;
  const analyzer::Analysis& after = *subject.analysis;
  const analyzer::ProfileDiff& d = *subject.diff;
  using analyzer::GroupChange;

  Json groups = Json::array();
  const std::size_t listed = options.findings == 0 ? d.groups.size() : std::min(d.groups.size(), options.findings);
  for (std::size_t k = 0; k < listed; ++k) {
    const auto& g = d.groups[k];
    const GroupRef ref = group_ref(before, after, g);
    Json j{{"change", std::string(analyzer::to_string(g.change))}, {"sentence", g.sentence}};
    if (ref.group != nullptr) {
      const auto& a = *ref.analysis;
      j["registrar"] = context_or_id_json(a, ref.group->registrar, ref.group->registrar_id);
      j["site"] = site_json(*a.profile, a.sites[ref.group->site]);
    }
    j["entries"] = before_after(g.entries_before, g.entries_after);
    j["retained_bytes"] = before_after(g.retained_bytes_before, g.retained_bytes_after);
    j["suspect_before"] = g.suspect_before;
    j["suspect_after"] = g.suspect_after;
    groups.push_back(std::move(j));
  }

  return Json{
      {"before", source_json(*before.profile)},
      {"mode", !d.contexts ? "none" : d.mode == analyzer::MatchMode::ById ? "id" : "creation_path"},
      {"totals",
       Json{{"heap_inuse_bytes", before_after(d.heap_before.inuse_bytes(), d.heap_after.inuse_bytes())},
            {"heap_alloc_bytes", before_after(d.heap_before.alloc_bytes, d.heap_after.alloc_bytes)},
            {"contexts", before_after(before.summary.contexts, after.summary.contexts)},
            {"stale", before_after(d.stale_before, d.stale_after)},
            {"stale_retained_bytes", before_after(d.stale_retained_before, d.stale_retained_after)},
            {"suspects", before_after(before.summary.suspects, after.summary.suspects)}}},
      {"fixed", d.count(GroupChange::Fixed)},
      {"new", d.count(GroupChange::New)},
      {"persisting", d.count(GroupChange::Persisting)},
      {"groups", std::move(groups)},
      {"sites", top_rows(d.sites, options.top,
                         [&](const analyzer::SiteDelta& s) {
                           const SiteRef ref = site_ref(before, after, s);
                           return Json{{"site", ref.analysis == nullptr
                                                    ? Json(nullptr)
                                                    : site_json(*ref.analysis->profile, ref.analysis->sites[ref.site])},
                                       {"before", site_side_json(s.before)},
                                       {"after", site_side_json(s.after)},
                                       {"delta_inuse_bytes", delta(s.before.self.inuse_bytes(), s.after.self.inuse_bytes())}};
                         })},
      {"parents", top_rows(d.parents, options.top, [&](const analyzer::ParentDelta& p) {
         const ContextRef ref = parent_ref(before, after, p);
         return Json{{"context", ref.analysis == nullptr ? Json(nullptr) : context_json(*ref.analysis, ref.context)},
                     {"before", parent_side_json(p.before)},
                     {"after", parent_side_json(p.after)},
                     {"delta_subtree_inuse_bytes", delta(p.before.subtree.inuse_bytes(), p.after.subtree.inuse_bytes())}};
       })},
      {"allocation_sites", allocation_site_diff_json(before, after, options.top, options.frames)}};
}

}  // namespace ctxheap::report::detail
