// The one switch from a Format to its writer.
#include <stdexcept>
#include <string>

#include "ctxheap/report/writers.hpp"

namespace ctxheap::report {

bool supports(Format format, const ReportSubject& subject) noexcept {
  if (subject.analysis == nullptr) return false;
  return !(subject.has_diff() && (format == Format::Folded || format == Format::Pprof));
}

void write_report(std::ostream& out, Format format, const ReportSubject& subject, const ReportOptions& options) {
  if (subject.analysis == nullptr) throw std::invalid_argument("report: no analysis to write");
  if (!supports(format, subject))
    throw std::invalid_argument("report: " + std::string(to_string(format)) +
                                " output is a profile of one snapshot and cannot express a diff");
  switch (format) {
    case Format::Text: return write_text(out, subject, options);
    case Format::Json: return write_json(out, subject, options);
    case Format::Markdown: return write_markdown(out, subject, options);
    case Format::Html: return write_html(out, subject, options);
    case Format::Folded: return write_folded(out, subject, options);
    case Format::Pprof: return write_pprof(out, subject, options);
  }
}

}  // namespace ctxheap::report
