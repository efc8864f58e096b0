// The desktop app's summary says what the reports say: the same source description (no
// "ctxheap_snapshot"), the same section headings and "none" sentence, the same summary
// rows (ctxheap/report/outline.hpp is their one owner).
#include <QTextDocument>
#include <QtTest>

#include "ctxheap/report/outline.hpp"
#include "gui_test_support.hpp"
#include "views/summary_html.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;
namespace report = ctxheap::report;

namespace {

Profile snapshot_profile(int leaked) {
  Profile p = server_profile(leaked);
  p.meta.source_format = SourceFormat::CtxheapSnapshot;
  p.meta.source_format_version = 1;
  p.meta.sampling_interval_bytes = 512 * 1024;
  return p;
}

QString plain(const QString& html) {
  QTextDocument doc;
  doc.setHtml(html);
  return doc.toPlainText();
}

}  // namespace

class SummaryWordingTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sourceIsDescribedAsTheReportsDescribeIt() {
    auto doc = make_document(snapshot_profile(3));
    const QString text = plain(gui::summary_html(*doc));
    const std::string description = report::source_description(*doc->latest().profile);
    QCOMPARE(QString::fromStdString(description), QStringLiteral("ctxheap snapshot v1, exact counters, allocation stacks sampled every 512.0 KiB"));
    QVERIFY2(text.contains(QString::fromStdString(description)), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("ctxheap_snapshot")));
    QVERIFY(text.contains(QString::fromStdString(report::snapshot_title(*doc->latest().profile))));
  }

  void summaryRowsAndHeadingsAreTheReports() {
    auto doc = make_document(snapshot_profile(3));
    const QString text = plain(gui::summary_html(*doc));
    const auto outline = report::report_outline(report::ReportSubject::of(doc->series()));
    for (const auto part : {report::Part::Suspects, report::Part::Summary})
      QVERIFY(text.contains(QString::fromStdString(std::string(report::heading_of(outline, part)))));
    for (const report::SummaryRow& row : report::summary_rows(doc->latest())) {
      QVERIFY2(text.contains(QString::fromStdString(row.label)), row.label.c_str());
      QVERIFY2(text.contains(QString::fromStdString(row.value)), row.value.c_str());
    }
  }

  void noSuspectIsSaidAsTheReportsSayIt() {
    auto doc = make_document(snapshot_profile(0));
    const QString text = plain(gui::summary_html(*doc));
    QVERIFY2(text.contains(QStringLiteral("None: no stale child entries")), qPrintable(text));
  }
};

QTEST_MAIN(SummaryWordingTest)
#include "summary_wording_test.moc"
