// Export writes exactly what ctxheap::report writes for the same subject, atomically,
// and says why when it cannot.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <sstream>

#include "export/report_export.hpp"
#include "gui_test_support.hpp"

using namespace ctxheap_test;
using ctxheap::gui::ExportSubject;
namespace gui = ctxheap::gui;
namespace rep = ctxheap::report;

namespace {

std::string written(const gui::Document& doc, ExportSubject subject, rep::Format format) {
  std::ostringstream out;
  rep::write_report(out, format, gui::subject_of(doc, subject), gui::export_options());
  return out.str();
}

std::string file_bytes(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  const QByteArray b = f.readAll();
  return std::string(b.constData(), static_cast<std::size_t>(b.size()));
}

}  // namespace

class ExportTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyFormatIsTheReportWritersOutput() {
    auto doc = make_document(server_profile(10, 2));
    QTemporaryDir dir;
    const auto formats = gui::export_formats(*doc, ExportSubject::Report);
    QCOMPARE(formats.size(), std::size_t{6});  // text, JSON, Markdown, HTML, folded, pprof
    for (rep::Format f : formats) {
      const QString path = dir.filePath(QStringLiteral("report.") + QString::fromLatin1(rep::to_string(f).data(), static_cast<qsizetype>(rep::to_string(f).size())));
      QCOMPARE(gui::export_report(*doc, ExportSubject::Report, f, path), QString());
      const std::string bytes = file_bytes(path);
      QCOMPARE(bytes, written(*doc, ExportSubject::Report, f));
      if (f != rep::Format::Folded) QVERIFY(!bytes.empty());
    }
    const std::string json = file_bytes(dir.filePath(QStringLiteral("report.json")));
    QVERIFY(json.find("\"schema\": \"ctxheap-report/1\"") != std::string::npos || json.find("\"schema\":\"ctxheap-report/1\"") != std::string::npos);
    QVERIFY(json.find("ctxheap-gui") != std::string::npos);
  }

  void theDiffExportsAsTheCliDiffReport() {
    auto doc = make_document({server_profile(12, 0, kNow, 42)}, server_profile(0, 12, kNow, 43));
    const auto formats = gui::export_formats(*doc, ExportSubject::Diff);
    QCOMPARE(formats.size(), std::size_t{4});  // no folded stacks or pprof for a diff
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("diff.md"));
    QCOMPARE(gui::export_report(*doc, ExportSubject::Diff, rep::Format::Markdown, path), QString());
    const std::string md = file_bytes(path);
    QCOMPARE(md, written(*doc, ExportSubject::Diff, rep::Format::Markdown));
    QVERIFY(md.find(diff_of(*doc).groups.front().sentence.substr(0, 20)) != std::string::npos);
    QVERIFY(!gui::export_report(*doc, ExportSubject::Diff, rep::Format::Pprof, dir.filePath(QStringLiteral("d.pb.gz"))).isEmpty());
  }

  void anUnwritablePathIsAOneLineReason() {
    auto doc = make_document(server_profile(2));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("missing/dir/report.html"));
    const QString error = gui::export_report(*doc, ExportSubject::Report, rep::Format::Html, path);
    QVERIFY(error.startsWith(QStringLiteral("report.html: cannot write")));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY(!QFile::exists(path));
    // A single snapshot has no diff to export.
    QVERIFY(gui::export_formats(*doc, ExportSubject::Diff).empty());
  }

  void filtersMapBackToTheirFormats() {
    for (rep::Format f : {rep::Format::Text, rep::Format::Json, rep::Format::Markdown, rep::Format::Html, rep::Format::Folded,
                          rep::Format::Pprof}) {
      const auto back = gui::format_of_filter(gui::file_filter(f));
      QVERIFY(back.has_value());
      QCOMPARE(static_cast<int>(*back), static_cast<int>(f));
    }
  }
};

QTEST_MAIN(ExportTest)
#include "export_test.moc"
