// The terminal text writer's parts.
#pragma once

#include <iosfwd>

#include "ctxheap/report/report.hpp"

namespace ctxheap::report::detail {

/// Title, suspects, summary, findings, parents, sites, growth, warnings.
void write_text_analysis(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);
/// Findings by kind (part of the analysis report).
void write_text_findings(std::ostream& out, const analyzer::Analysis& analysis, const ReportOptions& options);
/// The diff of subject.before and subject.analysis.
void write_text_diff(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);
/// A section heading.
void write_text_heading(std::ostream& out, std::string_view title, bool color);

}  // namespace ctxheap::report::detail
