// The analysis as terminal text: what leaks first (suspects), then the numbers behind it.
#include <ostream>

#include "common/describe.hpp"
#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "text/text_sections.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::Analysis;

void write_title(std::ostream& out, const Analysis& a, bool color) {
  const auto& p = *a.profile;
  out << paint("ctxheap report: " + single_line(snapshot_title(p)), kBold, color) << '\n';
  out << "  " << single_line(p.meta.source_path.empty() ? std::string("(in memory)") : p.meta.source_path) << ": "
      << source_description(p) << '\n';
}

void write_suspects(std::ostream& out, const Analysis& a, bool color) {
  write_text_heading(out, "Leak suspects", color);
  if (a.suspects.empty()) {
    const char* why = a.stale_groups.empty() ? "no stale child entries"
                                             : "no group of stale entries is large enough to be a suspect";
    out << "  " << paint(std::string("none: ") + why, kGreen, color) << '\n';
    return;
  }
  for (const auto& s : a.suspects) out << "  " << s.rank << ". " << paint(single_line(s.sentence), kRed, color) << '\n';
}

void write_table(std::ostream& out, std::string_view heading, const Table& table, bool color) {
  if (table.empty()) return;
  write_text_heading(out, heading, color);
  table.write_text(out, "  ", color);
}

void write_warnings(std::ostream& out, const Analysis& a, bool color) {
  if (a.warnings.empty()) return;
  write_text_heading(out, "Warnings", color);
  for (const auto& w : a.warnings) out << "  " << paint(single_line(w), kYellow, color) << '\n';
}

}  // namespace

void write_text_analysis(std::ostream& out, const ReportSubject& subject, const ReportOptions& o) {
  const Analysis& a = *subject.analysis;
  write_title(out, a, o.color);
  write_suspects(out, a, o.color);
  write_table(out, "Summary", summary_table(a), o.color);
  write_text_findings(out, a, o);
  write_table(out, "Top parents by subtree in use", parents_table(a, o.top), o.color);
  write_table(out, "Top creation sites by in use", sites_table(a, o.top), o.color);
  write_table(out, "Growth over " + std::to_string(a.series_length) + " snapshots", growth_table(a, o.top), o.color);
  write_table(out, "Top allocation sites by in use", alloc_sites_table(a, o.top), o.color);
  write_table(out, "Call tree by in use", call_tree_table(a, o.top, o.frames), o.color);
  if (subject.series != nullptr) {
    write_table(out, "Allocation sites over " + std::to_string(subject.series->snapshots.size()) + " snapshots",
                alloc_growth_table(*subject.series, o.top), o.color);
    write_table(out, "Snapshots", series_table(*subject.series), o.color);
  }
  write_warnings(out, a, o.color);
}

}  // namespace ctxheap::report::detail
