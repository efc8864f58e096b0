// The analysis as terminal text: the report outline (ctxheap/report/outline.hpp) in order,
// what leaks first (suspects), then the numbers behind it. Drawn sections are left out.
#include <ostream>

#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "ctxheap/report/outline.hpp"
#include "text/text_sections.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::Analysis;

void write_title(std::ostream& out, const Analysis& a, bool color) {
  const auto& p = *a.profile;
  out << paint(single_line(report_title(p)), kBold, color) << '\n';
  out << "  " << single_line(source_name(p)) << ": " << source_description(p) << '\n';
}

void write_suspects(std::ostream& out, const Analysis& a, bool color) {
  if (a.suspects.empty()) {
    out << "  " << paint(no_suspects_text(a), kGreen, color) << '\n';
    return;
  }
  for (const auto& s : a.suspects) out << "  " << s.rank << ". " << paint(single_line(s.sentence), kRed, color) << '\n';
  if (const std::string more = suspects_not_shown(a); !more.empty()) out << "  " << more << '\n';
}

void write_warnings(std::ostream& out, const Analysis& a, bool color) {
  for (const auto& w : a.warnings) out << "  " << paint(single_line(w), kYellow, color) << '\n';
}

}  // namespace

void write_text_analysis(std::ostream& out, const ReportSubject& subject, const ReportOptions& o) {
  const Analysis& a = *subject.analysis;
  write_title(out, a, o.color);
  for (const Section& section : report_outline(subject)) {
    if (section.drawn || section.part == Part::Diff) continue;  // the diff is `ctxheap diff`'s own text
    switch (section.part) {
      case Part::Suspects:
        write_text_heading(out, section.heading, o.color);
        write_suspects(out, a, o.color);
        break;
      case Part::Findings:
        write_text_heading(out, section.heading, o.color);
        write_text_findings(out, a, o);
        break;
      case Part::Warnings:
        write_text_heading(out, section.heading, o.color);
        write_warnings(out, a, o.color);
        break;
      default:
        if (const Table table = section_table(section.part, subject, o.top, o.frames); !table.empty()) {
          write_text_heading(out, section.heading, o.color);
          table.write_text(out, "  ", o.color);
        }
    }
  }
}

}  // namespace ctxheap::report::detail
