// The diff as terminal text (ctxheap diff): the diff parts of the report outline — stale
// groups fixed and new, totals, then the sites, parents and stacks that changed most.
#include <ostream>

#include "common/describe.hpp"
#include "common/diff_sides.hpp"
#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "ctxheap/report/outline.hpp"
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
  const auto& d = *subject.diff;
  out << paint("ctxheap diff", kBold, o.color) << '\n';
  out << "  before: " << side_line(*subject.before) << '\n';
  out << "  after:  " << side_line(*subject.analysis) << '\n';
  out << "  " << analyzer::match_rule_text(d) << '\n';
  for (const DiffSection& section : diff_outline(d, o.findings, goroutine_diff(*subject.before, *subject.analysis))) {
    if (section.part == DiffPart::Groups) {
      write_text_heading(out, section.heading, o.color);
      if (d.groups.empty()) out << "  " << kNoDiffGroupsText << '\n';
      for (std::size_t k = 0; k < section.listed; ++k) {
        const auto& g = d.groups[k];
        out << "  " << paint(single_line(g.sentence), change_style(g.change), o.color) << '\n';
      }
      if (!section.not_shown.empty()) out << "  " << section.not_shown << '\n';
    } else if (const Table table = diff_section_table(section.part, subject, o.top, o.frames); !table.empty()) {
      write_text_heading(out, section.heading, o.color);
      table.write_text(out, "  ", o.color);
    }
  }
}

}  // namespace ctxheap::report::detail
