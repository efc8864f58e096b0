// The diff as terminal text (ctxheap diff): totals, stale groups fixed and new, then the
// sites and parents that changed most.
#include <ostream>

#include "common/describe.hpp"
#include "common/diff_sides.hpp"
#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "text/text_sections.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::Analysis;

std::string side_line(const Analysis& a) {
  return single_line(a.profile->meta.source_path) + ": " + single_line(snapshot_title(*a.profile));
}

std::string_view change_style(analyzer::GroupChange change) {
  switch (change) {
    case analyzer::GroupChange::Fixed: return kGreen;
    case analyzer::GroupChange::New: return kRed;
    case analyzer::GroupChange::Persisting: return kYellow;
  }
  return {};
}

}  // namespace

void write_text_diff(std::ostream& out, const ReportSubject& subject, const ReportOptions& o) {
  const Analysis& before = *subject.before;
  const Analysis& after = *subject.analysis;
  const auto& d = *subject.diff;
  out << paint("ctxheap diff", kBold, o.color) << '\n';
  out << "  before: " << side_line(before) << '\n';
  out << "  after:  " << side_line(after) << '\n';
  out << "  " << match_mode_text(d.mode) << '\n';

  write_text_heading(out, diff_groups_heading(d), o.color);
  if (d.groups.empty()) out << "  none on either side\n";
  for (const auto& g : d.groups) out << "  " << paint(single_line(g.sentence), change_style(g.change), o.color) << '\n';

  write_text_heading(out, "Totals", o.color);
  diff_totals_table(before, after, d).write_text(out, "  ", o.color);
  if (const Table sites = diff_sites_table(before, after, d, o.top); !sites.empty()) {
    write_text_heading(out, "Creation sites by change in use", o.color);
    sites.write_text(out, "  ", o.color);
  }
  if (const Table parents = diff_parents_table(before, after, d, o.top); !parents.empty()) {
    write_text_heading(out, "Parents by change in subtree in use", o.color);
    parents.write_text(out, "  ", o.color);
  }
  if (const Table stacks = alloc_diff_table(before, after, o.top); !stacks.empty()) {
    write_text_heading(out, "Allocation stacks by change in use (matched by symbols)", o.color);
    stacks.write_text(out, "  ", o.color);
  }
}

}  // namespace ctxheap::report::detail
