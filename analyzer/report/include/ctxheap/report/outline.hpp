// The one outline of a report: which sections, in which order, under which heading, and
// the sentences a report says when a section has nothing to list. The text, Markdown and
// HTML writers render it (each in its own markup); `ctxheap check` and the desktop app take
// their titles, headings and "none" sentences from here, so every front end says the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/diff.hpp"
#include "ctxheap/report/report.hpp"

namespace ctxheap::report {

/// The sections of a report, in the one order every writer renders them.
enum class Part : std::uint8_t {
  Diff,              ///< with a diff: the before/after comparison (DiffPart below)
  Suspects,          ///< leak suspects, one sentence each
  Summary,           ///< the headline figures
  ParentsChart,      ///< drawn: top parents in use versus allocated
  ContextTree,       ///< drawn: the retention forest as a tree
  Findings,          ///< findings by kind (FindingPart below)
  Parents,           ///< top parents by subtree in use
  CreationSites,     ///< top creation sites by in use
  Growth,            ///< growth verdicts over the series
  Threads,           ///< the no-context heap by thread (own snapshots)
  AllocationSites,   ///< top allocation sites by in use
  CallTree,          ///< call tree by in use
  AllocationGrowth,  ///< with a series: allocation sites over the snapshots
  Snapshots,         ///< with a series: one row per snapshot
  Warnings,          ///< when the analysis has warnings
};

struct Section {
  Part part;
  std::string_view anchor;  ///< stable id, e.g. the HTML element id ("suspects", "call-tree")
  std::string heading;      ///< "Leak suspects", "Growth over 3 snapshots", ...
  bool drawn = false;       ///< a chart or tree: only media that draw (HTML) render it
};

/// The report's sections for `subject`, in order. Sections with nothing to show at all
/// (the series parts without a series, warnings without warnings, the diff without one)
/// are left out; a table section whose table is empty is skipped by the writer.
std::vector<Section> report_outline(const ReportSubject& subject);

/// The heading of `part` in `outline`; "" when the outline has no such section.
std::string_view heading_of(const std::vector<Section>& outline, Part part) noexcept;

/// The parts of a diff: under the report's Diff section, or the whole of `ctxheap diff`.
enum class DiffPart : std::uint8_t { Groups, Totals, CreationSites, Parents, AllocationStacks };
struct DiffSection {
  DiffPart part;
  std::string heading;  ///< "Stale groups: 1 fixed, 0 new, 0 persisting", "Totals", ...
  std::size_t listed = 0;  ///< Groups: the first `listed` of diff.groups are shown
  std::string not_shown;   ///< Groups: the not_shown_text() line when some are not shown, else ""
};
/// `group_limit` stale groups listed (ReportOptions::findings; 0 = all). `goroutines`: both
/// sides are goroutine profiles, so the stacks section is headed by goroutine counts.
std::vector<DiffSection> diff_outline(const analyzer::ProfileDiff& diff, std::size_t group_limit = 0,
                                      bool goroutines = false);

/// The kinds of finding under Findings, each with its count and how many are listed.
enum class FindingPart : std::uint8_t {
  StaleChildEntries,
  RetainedAfterCancel,
  BlockedWaiters,
  GrowingChildrenSets,
  InFlightSets,  ///< inferred sets below the in-flight bound (warnings), only when there are some
};
struct FindingSection {
  FindingPart part;
  std::string heading;  ///< "Stale child entries: 20,000, the 5 largest", "Blocked waiters: none"
  std::size_t count = 0;
  std::size_t listed = 0;  ///< the first `listed` findings of the kind are shown
  std::string not_shown;   ///< the not_shown_text() line when listed < count, else ""
};
/// `limit` findings listed per kind (0 = all); growing children sets only for a series,
/// in-flight sets only when the analysis has some.
std::vector<FindingSection> findings_outline(const analyzer::Analysis& analysis, std::size_t limit);

/// One line of the Summary section: "heap in use" -> "86.8 MiB in 20,041 objects, ...".
struct SummaryRow {
  std::string label;
  std::string value;
  bool part_of_previous = false;  ///< a breakdown of the row above (indented)
  bool alarming = false;          ///< stale entries exist: writers may highlight it
};
std::vector<SummaryRow> summary_rows(const analyzer::Analysis& analysis);

/// "ctxheap report: handler_leak (pid 4242 on build-host), snapshot 2 (exit) at ...".
std::string report_title(const analyzer::Profile& profile);
/// "handler_leak (pid 4242 on build-host), snapshot 2 (exit) at 2025-11-25 09:50:01 UTC";
/// unknown parts are left out.
std::string snapshot_title(const analyzer::Profile& profile);
/// "ctxheap snapshot v1, exact counters, allocation stacks sampled every 512.0 KiB".
std::string source_description(const analyzer::Profile& profile);
/// Where the profile came from: its path, or "(in memory)".
std::string source_name(const analyzer::Profile& profile);
/// What the Suspects section says when there is none: "None: no stale child entries" or
/// "None: no group of stale entries is large enough to be a suspect".
std::string_view no_suspects_text(const analyzer::Analysis& analysis);
/// The line that ends a list cut by a report limit (ReportOptions, SuspectOptions):
/// "... and 399,995 more stale groups not shown (--findings all lists them)". `what` is
/// the plural noun ("stale groups"), `option` the limit's command-line flag.
std::string not_shown_text(std::uint64_t hidden, std::string_view what, std::string_view option);
/// The not_shown_text() line after the leak suspects when --max-suspects cut them, else "".
std::string suspects_not_shown(const analyzer::Analysis& analysis);

/// What the diff's Groups part says when neither side has a stale group.
inline constexpr std::string_view kNoDiffGroupsText = "None on either side";

}  // namespace ctxheap::report
