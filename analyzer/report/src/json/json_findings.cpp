// The JSON report's "findings": per kind the complete count and the first items (the
// order of Analysis::findings: largest first), each with its reason, evidence and sentence.
#include <algorithm>

#include "json/json_parts.hpp"
#include "json/json_stream.hpp"

namespace ctxheap::report::detail {
namespace {

/// One kind: its complete count and its first `limit` items, streamed one at a time.
template <class Finding, class ToJson>
void write_kind(JsonStream& out, std::string_view name, const std::vector<Finding>& found, std::size_t limit,
                ToJson to_json) {
  const std::size_t n = limit == 0 ? found.size() : std::min(found.size(), limit);
  out.key(name);
  out.begin_object();
  out.key("count");
  out.value(found.size());
  out.key("items");
  out.begin_array();
  for (std::size_t k = 0; k < n; ++k) out.value(to_json(found[k]));
  out.end();
  out.end();
}

Json reasons_json(analyzer::StaleReasons r) {
  Json out = Json::array();
  if (r.cancel_dropped) out.push_back("cancel_dropped");
  if (r.idle) out.push_back("idle");
  if (r.growing_set) out.push_back("growing_set");
  if (r.never_cancelled) out.push_back("never_cancelled");
  if (r.timer_held) out.push_back("timer_held");
  return out;
}

}  // namespace

void write_findings_json(JsonStream& out, const analyzer::Analysis& a, const ReportOptions& o) {
  const auto& f = a.findings;
  out.begin_object();
  write_kind(out, "stale_child", f.stale, o.findings, [&](const analyzer::StaleChild& s) {
    return Json{{"context", context_json(a, s.context)},
                {"registrar", context_or_id_json(a, s.registrar, s.registrar_id)},
                {"reasons", reasons_json(s.reasons)},
                {"entries", s.entries},
                {"idle_ns", s.idle_ns},
                {"waiters", s.waiters},
                {"retained_objects", s.retained.objects},
                {"retained_bytes", s.retained.bytes},
                {"retained_bytes_low", s.retained.bytes_low()},
                {"retained_bytes_high", s.retained.bytes_high()},
                {"sentence", analyzer::describe(a, s)}};
  });
  write_kind(out, "retained_after_cancel", f.retained_after_cancel, o.findings, [&](const analyzer::RetainedAfterCancel& r) {
    return Json{{"context", context_json(a, r.context)},
                {"state", std::string(analyzer::to_string(r.state))},
                {"ended_ago_ns", r.ended_ago_ns},
                {"inuse_objects", r.inuse_objects},
                {"inuse_bytes", r.inuse_bytes},
                {"node_destroyed", r.node_destroyed},
                {"sentence", analyzer::describe(a, r)}};
  });
  write_kind(out, "blocked_waiters", f.blocked_waiters, o.findings, [&](const analyzer::BlockedWaiters& b) {
    return Json{{"context", context_json(a, b.context)},
                {"registrar", context_or_id_json(a, b.registrar, a.context(b.context).registered_under_id)},
                {"waiters", b.waiters},
                {"sentence", analyzer::describe(a, b)}};
  });
  write_kind(out, "unbounded_children", f.unbounded_children, o.findings, [&](const analyzer::UnboundedChildren& u) {
    const auto& g = a.growth[u.growth];
    return Json{{"context", context_json(a, g.context)},
                {"verdict", std::string(analyzer::to_string(g.verdict))},
                {"registered_children", g.points.empty() ? 0 : g.points.back().registered_children},
                {"last_children_delta", g.last_children_delta},
                {"children_per_second", g.children_per_second},
                {"bytes_per_second", g.bytes_per_second},
                {"children_per_snapshot", g.children_per_snapshot},
                {"bytes_per_snapshot", g.bytes_per_snapshot},
                {"sentence", analyzer::describe(a, u)}};
  });
  write_kind(out, "idle", f.idle, o.findings, [&](const analyzer::IdleEntry& e) {
    return Json{{"context", context_json(a, e.context)},
                {"registrar", context_or_id_json(a, e.registrar, e.registrar_id)},
                {"age_ns", e.age_ns},
                {"idle_ns", e.idle_ns},
                {"sentence", analyzer::describe(a, e)}};
  });
  write_kind(out, "in_flight", f.in_flight, o.findings, [&](const analyzer::InFlightSet& s) {
    return Json{{"context", context_json(a, s.context)},
                {"site", s.site == analyzer::kNoIndex ? Json(nullptr) : site_json(*a.profile, a.sites[s.site])},
                {"count", s.count},
                {"low", s.low},
                {"high", s.high},
                {"sampled", s.sampled},
                {"samples", s.samples},
                {"bound", s.bound},
                {"flat", s.flat},
                {"lingering", s.lingering},
                {"sentence", analyzer::describe(a, s)}};
  });
  out.end();
}

}  // namespace ctxheap::report::detail
