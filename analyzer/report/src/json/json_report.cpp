// The JSON report (schema ctxheap-report/1, docs/report-schema.json). Keys keep their
// order; numbers are exact integers except ratios, shares and rates.
#include <algorithm>
#include <ostream>

#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/report/selection.hpp"
#include "ctxheap/report/writers.hpp"
#include "json/json_parts.hpp"
#include "json/json_stream.hpp"

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

Json threads_json(const std::vector<analyzer::ThreadCounters>& threads) {
  Json out = Json::array();
  for (const analyzer::ThreadCounters& t : threads)
    out.push_back({{"tid", t.tid}, {"name", t.name}, {"exited", t.exited}, {"counters", detail::counters_json(t.counters)}});
  return out;
}

Json summary_json(const analyzer::Summary& s) {
  return Json{{"contexts", s.contexts},
              {"live", s.live},
              {"ended", s.ended},
              {"destroyed", s.destroyed},
              {"registered", s.registered},
              {"contexts_total", detail::counters_json(s.contexts_total)},
              {"no_context", detail::counters_json(s.no_context)},
              {"no_context_threads", threads_json(s.no_context_threads)},
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

Json suspect_json(const analyzer::Analysis& a, const analyzer::LeakSuspect& s) {
  Json j{{"rank", s.rank}, {"group", s.group}};
  j.update(detail::stale_group_json(a, s.group));  // its sentence is the suspect's
  return j;
}

std::size_t listed(std::size_t count, std::size_t limit) { return limit == 0 ? count : std::min(count, limit); }

/// How many items each cut list leaves out; lists that are whole are not named.
Json not_shown_json(const ReportSubject& subject, const ReportOptions& o) {
  const analyzer::Analysis& a = *subject.analysis;
  Json out = Json::object();
  auto add = [&](const char* name, std::size_t total, std::size_t shown) {
    if (shown < total) out[name] = total - shown;
  };
  add("suspects", a.summary.suspects, a.suspects.size());
  add("stale_groups", a.stale_groups.size(), listed(a.stale_groups.size(), o.findings));
  add("parents", parent_count(a), listed(parent_count(a), o.top));
  add("sites", site_count(a), listed(site_count(a), o.top));
  add("growth", a.growth.size(), listed(a.growth.size(), o.top));
  const std::size_t allocation_sites = analyzer::allocation_sites(*a.profile).size();
  add("allocation_sites", allocation_sites, listed(allocation_sites, o.top));
  if (subject.has_diff()) add("diff_groups", subject.diff->groups.size(), listed(subject.diff->groups.size(), o.findings));
  return out;
}

Json parent_json(const analyzer::Analysis& a, analyzer::Index i) {
  const double heap = static_cast<double>(a.summary.heap_inuse_bytes);
  const auto& n = a.node(i);
  return Json{{"context", detail::context_json(a, i)},
              {"edge", std::string(analyzer::to_string(n.edge))},
              {"depth", n.depth},
              {"children", n.children},
              {"registered_children", n.registered_children},
              {"stale_children", n.stale_children},
              {"subtree_contexts", n.subtree_contexts},
              {"self", detail::counters_json(n.self)},
              {"subtree", detail::counters_json(n.subtree)},
              {"heap_share", heap == 0 ? 0.0 : static_cast<double>(n.subtree.inuse_bytes()) / heap},
              {"age_ns", n.age_ns}};
}

Json site_row_json(const analyzer::Analysis& a, analyzer::Index i) {
  const auto& s = a.sites[i];
  return Json{{"site", detail::site_json(*a.profile, s)},
              {"contexts", s.contexts},
              {"live", s.live},
              {"registered", s.registered},
              {"stale", s.stale},
              {"self", detail::counters_json(s.self)},
              {"stale_retained_objects", s.stale_retained.objects},
              {"stale_retained_bytes", s.stale_retained.bytes}};
}

Json growth_json(const analyzer::Analysis& a, const analyzer::ParentGrowth& g) {
  Json points = Json::array();
  for (const auto& p : g.points)
    points.push_back(Json{{"sequence", p.sequence},
                          {"monotonic_ns", p.monotonic_ns},
                          {"present", p.present},
                          {"registered_children", p.registered_children},
                          {"stale_children", p.stale_children},
                          {"subtree_inuse_objects", p.subtree_inuse_objects},
                          {"subtree_inuse_bytes", p.subtree_inuse_bytes}});
  return Json{{"context", detail::context_json(a, g.context)},
              {"verdict", std::string(analyzer::to_string(g.verdict))},
              {"last_children_delta", g.last_children_delta},
              {"last_bytes_delta", g.last_bytes_delta},
              {"children_per_second", g.children_per_second},
              {"bytes_per_second", g.bytes_per_second},
              {"children_per_snapshot", g.children_per_snapshot},
              {"bytes_per_snapshot", g.bytes_per_snapshot},
              {"points", std::move(points)}};
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
  // Streamed key by key, and the long lists item by item: memory stays that of one item.
  detail::JsonStream json(out);
  auto field = [&](std::string_view name, const Json& value) {
    json.key(name);
    json.value(value);
  };
  json.begin_object();
  field("schema", kJsonSchema);
  field("generator", options.generator);
  field("kind", subject.has_diff() ? "diff" : "report");
  field("source", detail::source_json(*a.profile));
  field("options", options_json(a.options));
  field("summary", summary_json(a.summary));
  json.key("suspects");
  json.begin_array();
  for (const auto& s : a.suspects) json.value(suspect_json(a, s));
  json.end();
  json.key("stale_groups");
  json.begin_array();
  for (analyzer::Index g = 0; g < listed(a.stale_groups.size(), options.findings); ++g)
    json.value(detail::stale_group_json(a, g));
  json.end();
  json.key("findings");
  detail::write_findings_json(json, a, options);
  json.key("parents");
  json.begin_array();
  for (const auto i : top_parents(a, options.top)) json.value(parent_json(a, i));
  json.end();
  json.key("sites");
  json.begin_array();
  for (const auto i : top_sites(a, options.top)) json.value(site_row_json(a, i));
  json.end();
  json.key("growth");
  json.begin_array();
  for (std::size_t k = 0; k < listed(a.growth.size(), options.top); ++k) json.value(growth_json(a, a.growth[k]));
  json.end();
  field("series", series_json(subject));
  field("warnings", a.warnings);
  field("allocation_sites", detail::allocation_sites_json(a, options.top));
  field("call_tree", detail::call_tree_json(a, options.top, options.frames));
  field("allocation_site_growth", detail::allocation_site_growth_json(subject, options.top));
  field("not_shown", not_shown_json(subject, options));
  field("diff", subject.has_diff() ? detail::diff_json(subject, options) : Json(nullptr));
  json.end();
}

}  // namespace ctxheap::report
