// Findings by kind as terminal text: a count, then the largest few with their evidence.
#include <ostream>

#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "ctxheap/report/outline.hpp"
#include "text/text_sections.hpp"

namespace ctxheap::report::detail {

void write_text_findings(std::ostream& out, const analyzer::Analysis& a, const ReportOptions& o) {
  for (const FindingSection& kind : findings_outline(a, o.findings)) {
    out << "  " << paint(kind.heading, kBold, o.color) << '\n';
    if (kind.listed == 0) continue;
    if (const Table table = finding_table(kind.part, a, kind.listed); !table.empty()) table.write_text(out, "    ", o.color);
    for (const std::string& sentence : finding_sentences(kind.part, a, kind.listed)) out << "    " << single_line(sentence) << '\n';
    if (!kind.not_shown.empty()) out << "    " << kind.not_shown << '\n';
  }
}

}  // namespace ctxheap::report::detail
