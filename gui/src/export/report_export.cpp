#include "export/report_export.hpp"

#include <QFileInfo>
#include <QSaveFile>
#include <sstream>

namespace ctxheap::gui {

namespace {

struct FormatInfo {
  report::Format format;
  const char* label;
  const char* patterns;
};

constexpr FormatInfo kFormats[] = {
    {report::Format::Html, "HTML report", "*.html *.htm"},
    {report::Format::Text, "Text report", "*.txt"},
    {report::Format::Markdown, "Markdown report", "*.md"},
    {report::Format::Json, "JSON report", "*.json"},
    {report::Format::Folded, "Folded stacks", "*.folded"},
    {report::Format::Pprof, "pprof profile", "*.pb.gz *.pprof"},
};

}  // namespace

report::ReportSubject subject_of(const Document& document, ExportSubject subject) {
  if (subject == ExportSubject::Diff && document.diff() != nullptr)
    return report::ReportSubject::of(*document.diff_before(), *document.diff_after(), *document.diff());
  return report::ReportSubject::of(document.series());
}

std::vector<report::Format> export_formats(const Document& document, ExportSubject subject) {
  std::vector<report::Format> formats;
  if (subject == ExportSubject::Diff && document.diff() == nullptr) return formats;
  const report::ReportSubject s = subject_of(document, subject);
  for (const FormatInfo& f : kFormats)
    if (report::supports(f.format, s)) formats.push_back(f.format);
  return formats;
}

QString file_filter(report::Format format) {
  for (const FormatInfo& f : kFormats)
    if (f.format == format) return QStringLiteral("%1 (%2)").arg(QString::fromLatin1(f.label), QString::fromLatin1(f.patterns));
  return {};
}

std::optional<report::Format> format_of_filter(const QString& filter) {
  for (const FormatInfo& f : kFormats)
    if (filter == file_filter(f.format)) return f.format;
  return std::nullopt;
}

report::ReportOptions export_options() {
  report::ReportOptions options;
  options.generator = "ctxheap-gui " CTXHEAP_VERSION;
  return options;
}

QString export_report(const Document& document, ExportSubject subject, report::Format format, const QString& path) {
  const report::ReportSubject s = subject_of(document, subject);
  const QString name = QFileInfo(path).fileName();
  if (subject == ExportSubject::Diff && document.diff() == nullptr) return QObject::tr("%1: nothing to compare: open two snapshots").arg(name);
  if (!report::supports(format, s))
    return QObject::tr("%1: %2 cannot hold a diff").arg(name, QString::fromLatin1(report::to_string(format).data(), static_cast<qsizetype>(report::to_string(format).size())));
  std::ostringstream out;
  try {
    report::write_report(out, format, s, export_options());
  } catch (const std::exception& e) {
    return QObject::tr("%1: %2").arg(name, QString::fromUtf8(e.what()));
  }
  const std::string bytes = out.str();
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return QObject::tr("%1: cannot write: %2").arg(name, file.errorString());
  if (file.write(bytes.data(), static_cast<qint64>(bytes.size())) != static_cast<qint64>(bytes.size()) || !file.commit())
    return QObject::tr("%1: cannot write: %2").arg(name, file.errorString());
  return {};
}

}  // namespace ctxheap::gui
