// In-flight sets in the desktop app (docs/gui.md): a children set inferred from a Go heap
// profile below the in-flight bound (analyzer Findings::in_flight) is listed on the Summary
// beside the leak suspects, in the analyzer's sentence, with a link into the tree, and its
// row in the tree is marked with the same sentence. Opened as a user opens them: real Go
// profiles of the busy server (tests/data/go/field: about 1,000 requests in flight, each
// cancelled when done) and of a leaking stopper, through the app's load_document.
#include <QSignalSpy>
#include <QTextDocument>
#include <QtTest>
#include <string>

#include "document/load_document.hpp"
#include "gui_test_support.hpp"
#include "loading/load_controller.hpp"
#include "models/context_tree_model.hpp"
#include "models/roles.hpp"
#include "views/context_page.hpp"
#include "views/main_window.hpp"
#include "views/summary_html.hpp"
#include "views/summary_page.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;

namespace {

std::filesystem::path field(const std::string& relative) { return std::filesystem::path(CTXHEAP_GO_FIELD_DATA) / relative; }

std::shared_ptr<const Document> open(std::vector<std::filesystem::path> files) {
  gui::LoadRequest request;
  request.files = std::move(files);
  return gui::load_document(request);
}

QString plain(const QString& html) {
  QTextDocument doc;
  doc.setHtml(html);
  return doc.toPlainText();
}

QString sentence_of(const Analysis& a, const InFlightSet& s) { return QString::fromStdString(describe(a, s)); }

}  // namespace

class InFlightViewTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void summaryListsTheInFlightSetBesideTheSuspectsInTheAnalyzersWords() {
    const auto doc = open({field("go1.23/full/busy/heap.pb.gz")});
    const Analysis& a = doc->latest();
    QCOMPARE(a.findings.in_flight.size(), std::size_t{1});
    const InFlightSet& set = a.findings.in_flight[0];
    QVERIFY(!set.flat);
    const QString html = gui::summary_html(*doc);
    const QString text = plain(html);
    const QString sentence = sentence_of(a, set);
    // Its count, creation site and verdict are the analyzer's sentence, shown whole.
    QVERIFY2(sentence.contains(QString::fromStdString(format_count(set.count)) + QStringLiteral(" uncancelled children")),
             qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("main.handle")), qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("below the in-flight bound (2,000, --in-flight)")), qPrintable(sentence));
    QVERIFY2(text.contains(QStringLiteral("In-flight sets: 1")), qPrintable(text));
    QVERIFY2(text.contains(sentence), qPrintable(text));
    // Beside the suspects: after them, before the summary's figures.
    const qsizetype suspects = text.indexOf(QStringLiteral("Leak suspects"));
    const qsizetype in_flight = text.indexOf(QStringLiteral("In-flight sets"));
    const qsizetype summary = text.indexOf(QStringLiteral("\nSummary"));
    QVERIFY(suspects >= 0 && suspects < in_flight && in_flight < summary);
    QVERIFY2(html.contains(QStringLiteral("href=\"%1\"").arg(gui::context_link(set.context).toString())), qPrintable(html));
  }

  void sampledSetShowsItsRange() {
    // At Go's default rate the count is estimated: the sentence carries its 95 % range.
    const auto doc = open({field("go1.23/default/run1/busy/heap.pb.gz")});
    const Analysis& a = doc->latest();
    QVERIFY(!a.findings.in_flight.empty());
    for (const InFlightSet& set : a.findings.in_flight) {
      QVERIFY(set.sampled);
      const QString text = plain(gui::summary_html(*doc));
      const QString range = QString::fromStdString(format_count(set.low) + "–" + format_count(set.high));
      QVERIFY2(text.contains(range), qPrintable(text));
      QVERIFY2(text.contains(sentence_of(a, set)), qPrintable(text));
    }
  }

  void theSetsRowInTheTreeIsMarkedWithItsSentence() {
    const auto doc = open({field("go1.23/full/busy/heap.pb.gz")});
    const Analysis& a = doc->latest();
    QCOMPARE(a.findings.in_flight.size(), std::size_t{1});
    const InFlightSet& set = a.findings.in_flight[0];
    gui::ContextTreeModel model;
    model.set_document(doc);
    int marked = 0;
    for (const QModelIndex& i : all_rows(model)) {
      const auto mark = static_cast<gui::FindingMark>(i.data(gui::FindingRole).toInt());
      if (mark != gui::FindingMark::InFlight) continue;
      ++marked;
      QCOMPARE(static_cast<Index>(i.data(gui::NodeRole).toULongLong()), set.context);
      QCOMPARE(i.data(Qt::ToolTipRole).toString(), sentence_of(a, set));
      QVERIFY(i.data(Qt::BackgroundRole).isValid());
      QVERIFY(i.data(Qt::DecorationRole).isValid());
      QVERIFY(!i.data(gui::StaleRole).toBool());
    }
    QCOMPARE(marked, 1);
  }

  void aSetFlatOverTheSeriesReadsAsPassing() {
    // Default rate, before and after: the estimated count stays within the previous range.
    const auto doc = open({field("go1.23/default/run1/busy/heap_before.pb.gz"), field("go1.23/default/run1/busy/heap.pb.gz")});
    const Analysis& a = doc->latest();
    QCOMPARE(a.findings.in_flight.size(), std::size_t{1});
    const InFlightSet& set = a.findings.in_flight[0];
    QVERIFY(set.flat);
    const QString text = plain(gui::summary_html(*doc));
    QVERIFY2(text.contains(sentence_of(a, set)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("`check` passes it")), qPrintable(text));
  }

  void theTreeOpensOnTheSetAndShowTheSetSelectsIt() {
    const auto doc = open({field("go1.23/full/busy/heap.pb.gz")});
    const Index set = doc->latest().findings.in_flight.at(0).context;
    gui::MainWindow window(nullptr, /*persistent=*/false);
    QSignalSpy changed(&window, &gui::MainWindow::documentChanged);
    Q_EMIT window.loader()->loaded(doc);
    QCOMPARE(changed.count(), 1);
    // With no suspect, the tree opens on the in-flight set.
    QCOMPARE(window.context_page()->current_context(), set);
    window.context_page()->select_context(doc->latest().node(set).parent);
    QVERIFY(window.context_page()->current_context() != set);
    QVERIFY(window.summary_page()->toPlainText().contains(sentence_of(doc->latest(), doc->latest().findings.in_flight[0])));
    Q_EMIT window.summary_page()->anchorClicked(gui::context_link(set));
    QCOMPARE(window.current_tab(), gui::MainWindow::Tab::Contexts);
    QCOMPARE(window.context_page()->current_context(), set);
  }

  void noInFlightSectionWhenEverySetIsDecided() {
    const auto doc = open({field("go1.23/full/stopper/heap.pb.gz")});
    QVERIFY(doc->latest().findings.in_flight.empty());
    QVERIFY(!doc->latest().suspects.empty());
    const QString text = plain(gui::summary_html(*doc));
    QVERIFY2(!text.contains(QStringLiteral("In-flight sets")), qPrintable(text));
  }
};

QTEST_MAIN(InFlightViewTest)
#include "in_flight_view_test.moc"
