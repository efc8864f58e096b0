// Terminal text: the diff when there is one (ctxheap diff), else the analysis report.
#include <ostream>

#include "common/terminal.hpp"
#include "ctxheap/report/writers.hpp"
#include "text/text_sections.hpp"

namespace ctxheap::report {

void write_text(std::ostream& out, const ReportSubject& subject, const ReportOptions& options) {
  if (subject.has_diff()) {
    detail::write_text_diff(out, subject, options);
  } else {
    detail::write_text_analysis(out, subject, options);
  }
}

namespace detail {

void write_text_heading(std::ostream& out, std::string_view title, bool color) {
  out << '\n' << paint(title, kBold, color) << '\n';
}

}  // namespace detail
}  // namespace ctxheap::report
