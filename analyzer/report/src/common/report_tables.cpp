#include "common/report_tables.hpp"

#include <algorithm>

#include "common/describe.hpp"
#include "common/escape.hpp"
#include "common/terminal.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/report/selection.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::Analysis;
using analyzer::format_bytes;
using analyzer::format_count;
using analyzer::format_duration;
using analyzer::format_share;

double share_of(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string site_of(const Analysis& a, analyzer::Index context) {
  return single_line(analyzer::describe_site(*a.profile, a.site_of(context)));
}

std::string context_text(const Analysis& a, analyzer::Index context) { return single_line(describe_context(a, context)); }

}  // namespace

std::size_t listed(std::size_t count, std::size_t limit) noexcept { return limit == 0 ? count : std::min(count, limit); }

std::string kind_heading(std::string_view kind, std::size_t count, std::size_t shown) {
  std::string out(kind);
  out += ": ";
  if (count == 0) return out + "none";
  out += format_count(count);
  if (shown < count) out += ", the " + format_count(shown) + " largest";
  return out;
}

Table summary_table(const Analysis& a) {
  const auto& s = a.summary;
  Table t({{"measure"}, {"value"}});
  t.hide_text_header();
  t.add_row({"contexts", format_count(s.contexts) + " (" + format_count(s.live) + " live, " + format_count(s.ended) +
                             " ended, " + format_count(s.registered) + " registered in a children set)"});
  t.add_row({"heap in use", format_bytes(s.heap_inuse_bytes) + " in " + format_count(s.heap_inuse_objects) +
                                " objects, of " + format_bytes(s.heap_alloc_bytes) + " allocated (" +
                                format_share(share_of(s.heap_inuse_bytes, s.heap_alloc_bytes)) + ")"});
  t.add_row({"  under contexts", format_bytes(s.contexts_total.inuse_bytes()) + " in use of " +
                                     format_bytes(s.contexts_total.alloc_bytes) + " allocated"});
  t.add_row({"  no context", format_bytes(s.no_context.inuse_bytes()) + " in use of " +
                                 format_bytes(s.no_context.alloc_bytes) + " allocated"});
  t.add_row({"stale child entries",
             s.stale == 0 ? std::string("none")
                          : format_count(s.stale) + " in " + format_count(s.stale_groups) +
                                (s.stale_groups == 1 ? " group" : " groups") + "; cancelling them frees " +
                                format_bytes(s.stale_retained.bytes) + " (" +
                                format_share(share_of(s.stale_retained.bytes, s.heap_inuse_bytes)) + " of in-use heap)"},
            s.stale == 0 ? std::string_view{} : kYellow);
  t.add_row({"retained after cancel", s.retained_after_cancel == 0
                                          ? std::string("none")
                                          : format_count(s.retained_after_cancel) + " ended contexts own " +
                                                format_bytes(s.retained_after_cancel_bytes)});
  t.add_row({"blocked waiters", s.blocked_waiter_threads == 0
                                    ? std::string("none")
                                    : format_count(s.blocked_waiter_threads) + " threads blocked on stale children"});
  if (a.series_length > 1)
    t.add_row({"growing children sets", format_count(a.findings.unbounded_children.size()) + " over " +
                                            std::to_string(a.series_length) + " snapshots"});
  return t;
}

Table parents_table(const Analysis& a, std::size_t top) {
  Table t({{"context"}, {"kind"}, {"registered", Align::Right}, {"stale", Align::Right}, {"self in use", Align::Right},
           {"subtree in use", Align::Right}, {"subtree allocated", Align::Right}, {"ratio", Align::Right},
           {"age", Align::Right}, {"created at"}});
  for (const auto i : top_parents(a, top)) {
    const auto& n = a.node(i);
    t.add_row({context_text(a, i), std::string(analyzer::to_string(a.context(i).kind)),
               format_count(n.registered_children), format_count(n.stale_children), format_bytes(n.self.inuse_bytes()),
               format_bytes(n.subtree.inuse_bytes()), format_bytes(n.subtree.alloc_bytes), ratio_text(n.subtree),
               n.age_ns == 0 ? "-" : format_duration(n.age_ns), site_of(a, i)},
              n.stale_children != 0 ? kYellow : std::string_view{});
  }
  return t;
}

Table sites_table(const Analysis& a, std::size_t top) {
  Table t({{"contexts", Align::Right}, {"live", Align::Right}, {"stale", Align::Right}, {"in use", Align::Right},
           {"allocated", Align::Right}, {"ratio", Align::Right}, {"stale retain", Align::Right}, {"site"}});
  for (const auto i : top_sites(a, top)) {
    const auto& s = a.sites[i];
    t.add_row({format_count(s.contexts), format_count(s.live), format_count(s.stale), format_bytes(s.self.inuse_bytes()),
               format_bytes(s.self.alloc_bytes), ratio_text(s.self), format_bytes(s.stale_retained.bytes),
               single_line(analyzer::describe_site(*a.profile, s))},
              s.stale != 0 ? kYellow : std::string_view{});
  }
  return t;
}

Table stale_table(const Analysis& a, std::size_t rows) {
  Table t({{"context"}, {"registered under"}, {"why"}, {"idle", Align::Right}, {"waiters", Align::Right},
           {"retains", Align::Right}, {"created at"}});
  const auto& stale = a.findings.stale;
  for (std::size_t k = 0; k < rows && k < stale.size(); ++k) {
    const auto& s = stale[k];
    t.add_row({context_text(a, s.context) + (s.entries > 1 ? " ×" + format_count(s.entries) : std::string()),
               s.registrar_id == 0 && s.reasons.timer_held ? std::string("none: its timer holds it")
               : s.registrar == analyzer::kNoIndex          ? "#" + std::to_string(s.registrar_id) + " (absent)"
                                                            : context_text(a, s.registrar),
               reasons_text(s.reasons), s.idle_ns == 0 ? "-" : format_duration(s.idle_ns), std::to_string(s.waiters),
               format_bytes(s.retained.bytes), site_of(a, s.context)});
  }
  return t;
}

Table retained_after_cancel_table(const Analysis& a, std::size_t rows) {
  Table t({{"context"}, {"state"}, {"ended", Align::Right}, {"in use", Align::Right}, {"objects", Align::Right},
           {"node"}, {"created at"}});
  const auto& found = a.findings.retained_after_cancel;
  for (std::size_t k = 0; k < rows && k < found.size(); ++k) {
    const auto& r = found[k];
    t.add_row({context_text(a, r.context), std::string(analyzer::to_string(r.state)),
               r.ended_ago_ns == 0 ? "-" : format_duration(r.ended_ago_ns) + " ago", format_bytes(r.inuse_bytes),
               format_count(r.inuse_objects), r.node_destroyed ? "destroyed" : "alive", site_of(a, r.context)});
  }
  return t;
}

Table growth_table(const Analysis& a, std::size_t top) {
  Table t({{"context"}, {"verdict"}, {"registered children per snapshot"}, {"last change", Align::Right},
           {"children/snapshot", Align::Right}, {"children/s", Align::Right}, {"in use/snapshot", Align::Right},
           {"in use/s", Align::Right}});
  for (std::size_t k = 0; k < a.growth.size() && (top == 0 || k < top); ++k) {
    const auto& g = a.growth[k];
    std::string points;
    for (const auto& p : g.points)
      points += (points.empty() ? "" : " -> ") + (p.present ? format_count(p.registered_children) : std::string("-"));
    t.add_row({context_text(a, g.context), std::string(analyzer::to_string(g.verdict)), points,
               signed_count(g.last_children_delta), analyzer::format_rate(g.children_per_snapshot),
               analyzer::format_rate(g.children_per_second), signed_bytes(static_cast<std::int64_t>(g.bytes_per_snapshot)),
               signed_bytes(static_cast<std::int64_t>(g.bytes_per_second))},
              g.verdict == analyzer::GrowthVerdict::Growing ? kYellow : std::string_view{});
  }
  return t;
}

Table series_table(const analyzer::SeriesAnalysis& series) {
  Table t({{"snapshot", Align::Right}, {"contexts", Align::Right}, {"heap in use", Align::Right},
           {"stale", Align::Right}, {"stale retain", Align::Right}, {"suspects", Align::Right}, {"file"}});
  for (const auto& s : series.snapshots) {
    const std::uint64_t number = analyzer::snapshot_number(s.profile->meta);
    t.add_row({number == 0 ? std::string("-") : std::to_string(number), format_count(s.summary.contexts),
               format_bytes(s.summary.heap_inuse_bytes), format_count(s.summary.stale),
               format_bytes(s.summary.stale_retained.bytes), format_count(s.summary.suspects),
               single_line(s.profile->meta.source_path)});
  }
  return t;
}

}  // namespace ctxheap::report::detail
