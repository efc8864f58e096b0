// Export: the CLI's reports (ctxheap::report::write_report) of what is open — the
// snapshot (or series) report, or the diff report — written atomically (QSaveFile).
#pragma once

#include <QString>
#include <optional>
#include <vector>

#include "ctxheap/report/report.hpp"
#include "document/document.hpp"

namespace ctxheap::gui {

enum class ExportSubject { Report, Diff };

/// The report subject for a document: the series (or single snapshot), or the diff.
/// Diff requires document.diff().
report::ReportSubject subject_of(const Document& document, ExportSubject subject);
/// The formats that can express the subject (text, JSON, Markdown, HTML; folded stacks
/// and pprof for a snapshot report).
std::vector<report::Format> export_formats(const Document& document, ExportSubject subject);
/// "HTML report (*.html)".
QString file_filter(report::Format format);
/// The format of a filter string made by file_filter().
std::optional<report::Format> format_of_filter(const QString& filter);
/// The options the app writes reports with: the CLI's defaults, generator "ctxheap-gui <version>".
report::ReportOptions export_options();

/// Writes the report; returns an empty string on success, else a one-line reason.
QString export_report(const Document& document, ExportSubject subject, report::Format format, const QString& path);

}  // namespace ctxheap::gui
