// Findings by kind as terminal text: a count, then the largest few with their evidence.
#include <ostream>

#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "text/text_sections.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::Analysis;

void write_kind(std::ostream& out, std::string_view kind, std::size_t count, std::size_t shown, const Table& table,
                bool color) {
  out << "  " << paint(kind_heading(kind, count, shown), kBold, color) << '\n';
  if (shown != 0) table.write_text(out, "    ", color);
}

template <class Finding>
void write_sentences(std::ostream& out, const Analysis& a, std::string_view kind, const std::vector<Finding>& found,
                     const ReportOptions& o) {
  const std::size_t n = listed(found.size(), o.findings);
  out << "  " << paint(kind_heading(kind, found.size(), n), kBold, o.color) << '\n';
  for (std::size_t k = 0; k < n; ++k) out << "    " << single_line(analyzer::describe(a, found[k])) << '\n';
}

}  // namespace

void write_text_findings(std::ostream& out, const Analysis& a, const ReportOptions& o) {
  write_text_heading(out, "Findings", o.color);
  const auto& f = a.findings;
  const std::size_t stale = listed(f.stale.size(), o.findings);
  write_kind(out, "stale child entries", f.stale.size(), stale, stale_table(a, stale), o.color);
  const std::size_t rac = listed(f.retained_after_cancel.size(), o.findings);
  write_kind(out, "retained after cancel", f.retained_after_cancel.size(), rac, retained_after_cancel_table(a, rac),
             o.color);
  write_sentences(out, a, "blocked waiters", f.blocked_waiters, o);
  if (a.series_length > 1) write_sentences(out, a, "growing children sets", f.unbounded_children, o);
}

}  // namespace ctxheap::report::detail
