// The JSON report (schema ctxheap-report/1, docs/report-schema.json). Keys keep their
// order; numbers are exact integers except ratios, shares and rates.
#include <ostream>

#include "ctxheap/report/selection.hpp"
#include "ctxheap/report/writers.hpp"
#include "json/json_parts.hpp"

namespace ctxheap::report {
namespace {

using detail::Json;

Json options_json(const analyzer::AnalysisOptions& o) {
  return Json{{"idle_threshold_ns", o.findings.idle_threshold_ns},
              {"expiry_grace_ns", o.findings.expiry_grace_ns},
              {"retained_after_cancel_min_bytes", o.findings.retained_after_cancel_min_bytes},
              {"suspect_min_heap_share", o.suspects.min_heap_share},
              {"suspect_min_entries", o.suspects.min_entries},
              {"max_suspects", o.suspects.max_suspects},
              {"ranked_by", std::string(analyzer::to_string(o.suspects.rank_by))}};
}

Json summary_json(const analyzer::Summary& s) {
  return Json{{"contexts", s.contexts},
              {"live", s.live},
              {"ended", s.ended},
              {"destroyed", s.destroyed},
              {"registered", s.registered},
              {"contexts_total", detail::counters_json(s.contexts_total)},
              {"no_context", detail::counters_json(s.no_context)},
              {"heap_inuse_objects", s.heap_inuse_objects},
              {"heap_inuse_bytes", s.heap_inuse_bytes},
              {"heap_alloc_bytes", s.heap_alloc_bytes},
              {"stale", s.stale},
              {"stale_retained_objects", s.stale_retained.objects},
              {"stale_retained_bytes", s.stale_retained.bytes},
              {"retained_after_cancel", s.retained_after_cancel},
              {"retained_after_cancel_bytes", s.retained_after_cancel_bytes},
              {"blocked_waiter_threads", s.blocked_waiter_threads},
              {"stale_groups", s.stale_groups},
              {"suspects", s.suspects}};
}

Json suspects_json(const analyzer::Analysis& a) {
  Json out = Json::array();
  for (const auto& s : a.suspects) {
    Json j{{"rank", s.rank}, {"group", s.group}};
    j.update(detail::stale_group_json(a, s.group));  // its sentence is the suspect's
    out.push_back(std::move(j));
  }
  return out;
}

Json parents_json(const analyzer::Analysis& a, std::size_t top) {
  Json out = Json::array();
  const double heap = static_cast<double>(a.summary.heap_inuse_bytes);
  for (const auto i : top_parents(a, top)) {
    const auto& n = a.node(i);
    out.push_back(Json{{"context", detail::context_json(a, i)},
                       {"edge", std::string(analyzer::to_string(n.edge))},
                       {"depth", n.depth},
                       {"children", n.children},
                       {"registered_children", n.registered_children},
                       {"stale_children", n.stale_children},
                       {"subtree_contexts", n.subtree_contexts},
                       {"self", detail::counters_json(n.self)},
                       {"subtree", detail::counters_json(n.subtree)},
                       {"heap_share", heap == 0 ? 0.0 : static_cast<double>(n.subtree.inuse_bytes()) / heap},
                       {"age_ns", n.age_ns}});
  }
  return out;
}

Json sites_json(const analyzer::Analysis& a, std::size_t top) {
  Json out = Json::array();
  for (const auto i : top_sites(a, top)) {
    const auto& s = a.sites[i];
    out.push_back(Json{{"site", detail::site_json(*a.profile, s)},
                       {"contexts", s.contexts},
                       {"live", s.live},
                       {"registered", s.registered},
                       {"stale", s.stale},
                       {"self", detail::counters_json(s.self)},
                       {"stale_retained_objects", s.stale_retained.objects},
                       {"stale_retained_bytes", s.stale_retained.bytes}});
  }
  return out;
}

Json growth_json(const analyzer::Analysis& a) {
  Json out = Json::array();
  for (const auto& g : a.growth) {
    Json points = Json::array();
    for (const auto& p : g.points)
      points.push_back(Json{{"sequence", p.sequence},
                            {"monotonic_ns", p.monotonic_ns},
                            {"present", p.present},
                            {"registered_children", p.registered_children},
                            {"stale_children", p.stale_children},
                            {"subtree_inuse_objects", p.subtree_inuse_objects},
                            {"subtree_inuse_bytes", p.subtree_inuse_bytes}});
    out.push_back(Json{{"context", detail::context_json(a, g.context)},
                       {"verdict", std::string(analyzer::to_string(g.verdict))},
                       {"last_children_delta", g.last_children_delta},
                       {"last_bytes_delta", g.last_bytes_delta},
                       {"children_per_second", g.children_per_second},
                       {"bytes_per_second", g.bytes_per_second},
                       {"children_per_snapshot", g.children_per_snapshot},
                       {"bytes_per_snapshot", g.bytes_per_snapshot},
                       {"points", std::move(points)}});
  }
  return out;
}

Json series_json(const ReportSubject& subject) {
  Json out = Json::array();
  if (subject.series == nullptr) {
    const auto& a = *subject.analysis;
    out.push_back(Json{{"source", detail::source_json(*a.profile)}, {"summary", summary_json(a.summary)}});
    return out;
  }
  for (const auto& a : subject.series->snapshots)
    out.push_back(Json{{"source", detail::source_json(*a.profile)}, {"summary", summary_json(a.summary)}});
  return out;
}

}  // namespace

void write_json(std::ostream& out, const ReportSubject& subject, const ReportOptions& options) {
  const analyzer::Analysis& a = *subject.analysis;
  Json stale_groups = Json::array();
  for (analyzer::Index g = 0; g < a.stale_groups.size(); ++g) stale_groups.push_back(detail::stale_group_json(a, g));
  Json root{{"schema", kJsonSchema},
            {"generator", options.generator},
            {"kind", subject.has_diff() ? "diff" : "report"},
            {"source", detail::source_json(*a.profile)},
            {"options", options_json(a.options)},
            {"summary", summary_json(a.summary)},
            {"suspects", suspects_json(a)},
            {"stale_groups", std::move(stale_groups)},
            {"findings", detail::findings_json(a, options)},
            {"parents", parents_json(a, options.top)},
            {"sites", sites_json(a, options.top)},
            {"growth", growth_json(a)},
            {"series", series_json(subject)},
            {"warnings", a.warnings},
            {"allocation_sites", detail::allocation_sites_json(a, options.top)},
            {"call_tree", detail::call_tree_json(a, options.top)},
            {"allocation_site_growth", detail::allocation_site_growth_json(subject, options.top)}};
  root["diff"] = subject.has_diff() ? detail::diff_json(subject, options) : Json(nullptr);
  out << root.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace ctxheap::report
