#include "json/json_parts.hpp"

#include "ctxheap/report/selection.hpp"

namespace ctxheap::report::detail {

Json counters_json(const analyzer::Counters& c) {
  return Json{{"inuse_objects", c.inuse_objects()}, {"inuse_bytes", c.inuse_bytes()},
              {"alloc_objects", c.alloc_objects},   {"alloc_bytes", c.alloc_bytes},
              {"inuse_ratio", analyzer::inuse_ratio(c)}};
}

Json site_json(const analyzer::Profile& p, const analyzer::CreationSite& s) {
  return Json{{"description", analyzer::describe_site(p, s)},
              {"function", std::string(p.str(s.function))},
              {"file", std::string(p.str(s.file))},
              {"line", s.line},
              {"module", std::string(p.str(s.module))},
              {"key", site_key(p, s)}};
}

Json context_json(const analyzer::Analysis& a, analyzer::Index i) {
  const analyzer::Context& c = a.context(i);
  const auto& site = a.site_of(i);
  Json out{{"id", c.id},
           {"name", std::string(a.profile->str(c.name))},
           {"kind", std::string(analyzer::to_string(c.kind))},
           {"state", std::string(analyzer::to_string(c.state))},
           {"site", analyzer::describe_site(*a.profile, site)},
           {"site_key", site_key(*a.profile, site)}};
  if (c.inferred) {
    out["inferred"] = true;
    out["count"] = c.count;
    out["inferred_from"] = std::string(analyzer::to_string(c.inferred_from));
    out["held_by"] = std::string(analyzer::to_string(c.held_by));
  }
  return out;
}

Json context_or_id_json(const analyzer::Analysis& a, analyzer::Index i, analyzer::ContextId id) {
  if (i == analyzer::kNoIndex) return Json{{"id", id}};
  return context_json(a, i);
}

Json source_json(const analyzer::Profile& p) {
  const auto& m = p.meta;
  return Json{{"path", m.source_path},
              {"format", std::string(analyzer::to_string(m.source_format))},
              {"format_version", m.source_format_version},
              {"program", m.program},
              {"command_line", m.command_line},
              {"pid", m.pid},
              {"host", m.host},
              {"sequence", m.sequence},
              {"number", analyzer::snapshot_number(m)},
              {"reason", std::string(analyzer::to_string(m.reason))},
              {"wall_time_ns", m.wall_time_ns},
              {"monotonic_time_ns", m.monotonic_time_ns},
              {"sampling_interval_bytes", m.sampling_interval_bytes},
              {"counters", std::string(analyzer::to_string(m.counters))},
              {"collector_version", m.collector_version}};
}

Json stale_group_json(const analyzer::Analysis& a, analyzer::Index gi) {
  const analyzer::StaleGroup& g = a.stale_groups[gi];
  Json j{{"registrar", context_or_id_json(a, g.registrar, g.registrar_id)},
         {"registrar_site_key", registrar_site_key(a, g)},
         {"site", site_json(*a.profile, a.sites[g.site])},
         {"entries", g.entries},
         {"cancel_dropped", g.cancel_dropped},
         {"growing_set", g.growing_set},
         {"never_cancelled", g.never_cancelled},
         {"timer_held", g.timer_held},
         {"waiters", g.waiters},
         {"retained_objects", g.retained.objects},
         {"retained_bytes", g.retained.bytes},
         {"retained_bytes_low", g.retained.bytes_low()},
         {"retained_bytes_high", g.retained.bytes_high()},
         {"heap_share", g.heap_share},
         {"suspect", g.suspect},
         {"sentence", analyzer::describe(a, g)}};
  if (g.growth) {
    const auto& gr = *g.growth;
    j["growth"] = Json{{"snapshots", gr.snapshots},
                       {"verdict", std::string(analyzer::to_string(gr.verdict))},
                       {"previous_entries", gr.previous_entries},
                       {"delta_entries", gr.delta_entries},
                       {"delta_retained_bytes", gr.delta_retained_bytes},
                       {"entries_per_second", gr.entries_per_second},
                       {"bytes_per_second", gr.bytes_per_second},
                       {"entries_per_snapshot", gr.entries_per_snapshot},
                       {"bytes_per_snapshot", gr.bytes_per_snapshot}};
  } else {
    j["growth"] = nullptr;
  }
  return j;
}

}  // namespace ctxheap::report::detail
