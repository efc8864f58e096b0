#include "ctxheap/report/outline.hpp"

#include <algorithm>

#include "common/describe.hpp"
#include "ctxheap/analyzer/text.hpp"

namespace ctxheap::report {
namespace {

std::string count_heading(std::string_view kind, std::size_t count, std::size_t listed) {
  std::string out(kind);
  out += ": ";
  if (count == 0) return out + "none";
  out += analyzer::format_count(count);
  if (listed < count) out += ", the " + analyzer::format_count(listed) + " largest";
  return out;
}

}  // namespace

std::vector<Section> report_outline(const ReportSubject& subject) {
  const analyzer::Analysis& a = *subject.analysis;
  std::vector<Section> out;
  if (subject.has_diff()) out.push_back({Part::Diff, "diff", "Diff"});
  out.push_back({Part::Suspects, "suspects", "Leak suspects"});
  out.push_back({Part::Summary, "summary", "Summary"});
  out.push_back({Part::ParentsChart, "chart", "Top parents: in use versus allocated", true});
  out.push_back({Part::ContextTree, "context-tree", "Context tree", true});
  out.push_back({Part::Findings, "findings", "Findings"});
  out.push_back({Part::Parents, "parents", "Top parents by subtree in use"});
  out.push_back({Part::CreationSites, "sites", "Top creation sites by in use"});
  out.push_back({Part::Growth, "growth", "Growth over " + std::to_string(a.series_length) + " snapshots"});
  out.push_back({Part::Threads, "threads", "Heap with no context, by thread"});
  out.push_back({Part::AllocationSites, "alloc-sites", "Top allocation sites by in use"});
  out.push_back({Part::CallTree, "call-tree", "Call tree by in use"});
  if (subject.series != nullptr) {
    out.push_back({Part::AllocationGrowth, "alloc-growth",
                   "Allocation sites over " + std::to_string(subject.series->snapshots.size()) + " snapshots"});
    out.push_back({Part::Snapshots, "snapshots", "Snapshots"});
  }
  if (!a.warnings.empty()) out.push_back({Part::Warnings, "warnings", "Warnings"});
  return out;
}

std::string_view heading_of(const std::vector<Section>& outline, Part part) noexcept {
  for (const Section& s : outline)
    if (s.part == part) return s.heading;
  return {};
}

std::vector<DiffSection> diff_outline(const analyzer::ProfileDiff& d, std::size_t group_limit, bool goroutines) {
  using analyzer::GroupChange;
  const std::size_t listed = group_limit == 0 ? d.groups.size() : std::min(d.groups.size(), group_limit);
  return {{DiffPart::Groups,
           "Stale groups: " + std::to_string(d.count(GroupChange::Fixed)) + " fixed, " +
               std::to_string(d.count(GroupChange::New)) + " new, " + std::to_string(d.count(GroupChange::Persisting)) +
               " persisting",
           listed, listed < d.groups.size() ? not_shown_text(d.groups.size() - listed, "stale groups", kFindingsOption) : ""},
          {DiffPart::Totals, "Totals", 0, ""},
          {DiffPart::CreationSites, "Creation sites by change in use", 0, ""},
          {DiffPart::Parents, "Parents by change in subtree in use", 0, ""},
          {DiffPart::AllocationStacks,
           goroutines ? "Goroutine stacks by change in count (matched by shown frames)"
                      : "Allocation stacks by change in use (matched by shown frames)",
           0, ""}};
}

std::vector<FindingSection> findings_outline(const analyzer::Analysis& a, std::size_t limit) {
  const auto& f = a.findings;
  std::vector<FindingSection> out;
  auto add = [&](FindingPart part, std::string_view kind, std::size_t count, std::string_view what) {
    const std::size_t listed = limit == 0 ? count : std::min(count, limit);
    std::string more;
    if (listed < count) more = not_shown_text(count - listed, what, kFindingsOption);
    out.push_back({part, count_heading(kind, count, listed), count, listed, std::move(more)});
  };
  add(FindingPart::StaleChildEntries, "Stale child entries", f.stale.size(), "stale child entries");
  add(FindingPart::RetainedAfterCancel, "Retained after cancel", f.retained_after_cancel.size(), "contexts retained after cancel");
  add(FindingPart::BlockedWaiters, "Blocked waiters", f.blocked_waiters.size(), "blocked waiters");
  if (a.series_length > 1)
    add(FindingPart::GrowingChildrenSets, "Growing children sets", f.unbounded_children.size(), "growing children sets");
  if (!f.in_flight.empty()) add(FindingPart::InFlightSets, "In-flight sets", f.in_flight.size(), "in-flight sets");
  return out;
}

std::vector<SummaryRow> summary_rows(const analyzer::Analysis& a) {
  using analyzer::format_bytes;
  using analyzer::format_count;
  using analyzer::format_share;
  const auto& s = a.summary;
  auto share_of = [](std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
  };
  std::vector<SummaryRow> rows;
  rows.push_back({"contexts", format_count(s.contexts) + " (" + format_count(s.live) + " live, " + format_count(s.ended) +
                                  " ended, " + format_count(s.registered) + " registered in a children set)"});
  rows.push_back({"heap in use", format_bytes(s.heap_inuse_bytes) + " in " + format_count(s.heap_inuse_objects) +
                                     " objects, of " + format_bytes(s.heap_alloc_bytes) + " allocated (" +
                                     format_share(share_of(s.heap_inuse_bytes, s.heap_alloc_bytes)) + ")"});
  rows.push_back({"under contexts", format_bytes(s.contexts_total.inuse_bytes()) + " in use of " +
                                        format_bytes(s.contexts_total.alloc_bytes) + " allocated", true});
  rows.push_back({"no context", format_bytes(s.no_context.inuse_bytes()) + " in use of " +
                                    format_bytes(s.no_context.alloc_bytes) + " allocated", true});
  rows.push_back({"stale child entries",
                  s.stale == 0 ? std::string("none")
                               : format_count(s.stale) + " in " + format_count(s.stale_groups) +
                                     (s.stale_groups == 1 ? " group" : " groups") + "; cancelling them frees " +
                                     format_bytes(s.stale_retained.bytes) + " (" +
                                     format_share(share_of(s.stale_retained.bytes, s.heap_inuse_bytes)) + " of in-use heap)",
                  false, s.stale != 0});
  rows.push_back({"retained after cancel", s.retained_after_cancel == 0
                                               ? std::string("none")
                                               : format_count(s.retained_after_cancel) + " ended contexts own " +
                                                     format_bytes(s.retained_after_cancel_bytes)});
  rows.push_back({"blocked waiters", s.blocked_waiter_threads == 0
                                         ? std::string("none")
                                         : format_count(s.blocked_waiter_threads) + " threads blocked on stale children"});
  if (a.series_length > 1)
    rows.push_back({"growing children sets", format_count(a.findings.unbounded_children.size()) + " over " +
                                                 std::to_string(a.series_length) + " snapshots"});
  return rows;
}

std::string report_title(const analyzer::Profile& profile) { return "ctxheap report: " + snapshot_title(profile); }

std::string snapshot_title(const analyzer::Profile& p) {
  const auto& m = p.meta;
  std::string out = m.program.empty() ? std::string("unknown program") : m.program;
  if (m.pid != 0 || !m.host.empty()) {
    out += " (";
    if (m.pid != 0) out += "pid " + std::to_string(m.pid);
    if (m.pid != 0 && !m.host.empty()) out += " on ";
    out += m.host + ")";
  }
  if (const std::uint64_t number = analyzer::snapshot_number(m); number != 0) {
    out += ", snapshot " + std::to_string(number);
    if (m.reason != analyzer::SnapshotReason::Unknown) out += " (" + std::string(analyzer::to_string(m.reason)) + ")";
  }
  if (const std::string when = detail::format_utc(m.wall_time_ns); !when.empty()) out += " at " + when;
  return out;
}

std::string source_description(const analyzer::Profile& p) {
  const auto& m = p.meta;
  std::string out;
  switch (m.source_format) {
    case analyzer::SourceFormat::CtxheapSnapshot: out = "ctxheap snapshot"; break;
    case analyzer::SourceFormat::GperftoolsHeap:
      out = m.source_kind == "growth" ? "gperftools heap growth profile" : "gperftools heap profile";
      break;
    case analyzer::SourceFormat::Pprof:
      out = "pprof " + (m.source_kind.empty() ? std::string("heap") : m.source_kind) + " profile";
      break;
    case analyzer::SourceFormat::Synthetic: out = "profile built in memory"; break;
  }
  if (m.source_format_version != 0) out += " v" + std::to_string(m.source_format_version);
  if (m.source_kind == "goroutine") return out + ", goroutines counted as objects of no size";
  out += m.counters == analyzer::CounterSource::Exact ? ", exact counters" : ", counters estimated from samples";
  if (m.sampling_interval_bytes == 0) {
    out += ", no allocation stacks sampled";
  } else if (m.records_missing) {
    out += ", truncated: some allocation stacks are missing";
  } else if (m.sampling_interval_bytes == 1) {
    out += ", every allocation stack recorded";
  } else {
    out += ", allocation stacks sampled every " + analyzer::format_bytes(m.sampling_interval_bytes);
  }
  return out;
}

std::string source_name(const analyzer::Profile& profile) {
  return profile.meta.source_path.empty() ? std::string("(in memory)") : profile.meta.source_path;
}

std::string not_shown_text(std::uint64_t hidden, std::string_view what, std::string_view option) {
  return "... and " + analyzer::format_count(hidden) + " more " + std::string(what) + " not shown (" + std::string(option) +
         " all lists them)";
}

std::string suspects_not_shown(const analyzer::Analysis& a) {
  const std::uint64_t listed = a.suspects.size();
  return a.summary.suspects > listed ? not_shown_text(a.summary.suspects - listed, "leak suspects", kSuspectsOption) : "";
}

std::string_view no_suspects_text(const analyzer::Analysis& a) {
  return a.stale_groups.empty() ? "None: no stale child entries"
                                : "None: no group of stale entries is large enough to be a suspect";
}

}  // namespace ctxheap::report
