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

std::string site_of(const Analysis& a, analyzer::Index context) {
  return single_line(analyzer::describe_site(*a.profile, a.site_of(context)));
}

std::string context_text(const Analysis& a, analyzer::Index context) { return single_line(describe_context(a, context)); }

/// Marks `t` cut when it shows fewer than `total` rows.
void note_cut(Table& t, std::size_t shown, std::size_t total, std::string_view what, std::string_view option) {
  if (shown < total) t.set_not_shown(not_shown_text(total - shown, what, option));
}

}  // namespace

Table summary_table(const Analysis& a) {
  Table t({{"measure"}, {"value"}});
  t.hide_text_header();
  for (const SummaryRow& row : summary_rows(a))
    t.add_row({(row.part_of_previous ? "  " : "") + row.label, row.value}, row.alarming ? kYellow : std::string_view{});
  return t;
}

Table section_table(Part part, const ReportSubject& subject, std::size_t top, analyzer::FrameDetail frames) {
  const Analysis& a = *subject.analysis;
  switch (part) {
    case Part::Summary: return summary_table(a);
    case Part::Parents: return parents_table(a, top);
    case Part::CreationSites: return sites_table(a, top);
    case Part::Growth: return growth_table(a, top);
    case Part::Threads: return threads_table(a, top);
    case Part::AllocationSites: return alloc_sites_table(a, top);
    case Part::CallTree: return call_tree_table(a, top, frames);
    case Part::AllocationGrowth:
      if (subject.series != nullptr) return alloc_growth_table(*subject.series, top);
      break;
    case Part::Snapshots:
      if (subject.series != nullptr) return series_table(*subject.series);
      break;
    default: break;
  }
  return Table(std::vector<Column>{});
}

Table diff_section_table(DiffPart part, const ReportSubject& subject, std::size_t top, analyzer::FrameDetail frames) {
  const Analysis& before = *subject.before;
  const Analysis& after = *subject.analysis;
  switch (part) {
    case DiffPart::Totals: return diff_totals_table(before, after, *subject.diff);
    case DiffPart::CreationSites: return diff_sites_table(before, after, *subject.diff, top);
    case DiffPart::Parents: return diff_parents_table(before, after, *subject.diff, top);
    case DiffPart::AllocationStacks: return alloc_diff_table(before, after, top, frames);
    case DiffPart::Groups: break;
  }
  return Table(std::vector<Column>{});
}

Table finding_table(FindingPart part, const Analysis& a, std::size_t rows) {
  switch (part) {
    case FindingPart::StaleChildEntries: return stale_table(a, rows);
    case FindingPart::RetainedAfterCancel: return retained_after_cancel_table(a, rows);
    default: break;
  }
  return Table(std::vector<Column>{});
}

std::vector<std::string> finding_sentences(FindingPart part, const Analysis& a, std::size_t rows) {
  std::vector<std::string> out;
  const auto& f = a.findings;
  if (part == FindingPart::BlockedWaiters)
    for (std::size_t k = 0; k < rows && k < f.blocked_waiters.size(); ++k) out.push_back(analyzer::describe(a, f.blocked_waiters[k]));
  if (part == FindingPart::GrowingChildrenSets)
    for (std::size_t k = 0; k < rows && k < f.unbounded_children.size(); ++k)
      out.push_back(analyzer::describe(a, f.unbounded_children[k]));
  if (part == FindingPart::InFlightSets)
    for (std::size_t k = 0; k < rows && k < f.in_flight.size(); ++k) out.push_back(analyzer::describe(a, f.in_flight[k]));
  return out;
}

Table parents_table(const Analysis& a, std::size_t top) {
  Table t({{"context"}, {"kind"}, {"registered", Align::Right}, {"stale", Align::Right}, {"self in use", Align::Right},
           {"subtree in use", Align::Right}, {"subtree allocated", Align::Right}, {"ratio", Align::Right},
           {"age", Align::Right}, {"created at"}});
  const auto parents = top_parents(a, top);
  note_cut(t, parents.size(), parent_count(a), "parents", kTopOption);
  for (const auto i : parents) {
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
  const auto sites = top_sites(a, top);
  note_cut(t, sites.size(), site_count(a), "creation sites", kTopOption);
  for (const auto i : sites) {
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
               format_bytes(s.retained.bytes) +
                   (s.retained.has_range()
                        ? " (" + analyzer::format_bytes_range(s.retained.bytes_low(), s.retained.bytes_high()) + ")"
                        : std::string()),
               site_of(a, s.context)});
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
  note_cut(t, top == 0 ? a.growth.size() : std::min(top, a.growth.size()), a.growth.size(), "parents followed", kTopOption);
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
