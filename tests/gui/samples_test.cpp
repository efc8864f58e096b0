// End to end on snapshots the sample programs write: the app opens handler_leak, shows
// the leak highlighted with its reason, and diffs it against handler_fixed; --screenshot
// renders the window.
#include <QImage>
#include <QLabel>
#include <QTreeView>
#include <fstream>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>
#include <memory>

#include "charts/icicle_view.hpp"
#include "charts/top_parents_chart.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "document/load_document.hpp"
#include "gui_test_support.hpp"
#include "models/context_tree_model.hpp"
#include "models/group_delta_model.hpp"
#include "views/charts_page.hpp"
#include "views/context_page.hpp"
#include "views/diff_page.hpp"
#include "views/main_window.hpp"
#include "views/summary_page.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;

class SamplesTest : public QObject {
  Q_OBJECT
  std::unique_ptr<TempDir> dir_;
  std::string leak_, fixed_, timeout_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ctxheap-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("samples_test"));
    dir_ = std::make_unique<TempDir>();
    leak_ = run_sample(*dir_, "handler_leak", CTXHEAP_SAMPLES_DIR);
    fixed_ = run_sample(*dir_, "handler_fixed", CTXHEAP_SAMPLES_DIR);
    timeout_ = run_sample(*dir_, "timeout_ok", CTXHEAP_SAMPLES_DIR);
    QVERIFY(!leak_.empty() && !fixed_.empty() && !timeout_.empty());
  }
  void cleanupTestCase() { dir_.reset(); }

  void handlerLeakOpensOnTheLeakHighlightedWithItsReason() {
    QSettings().clear();
    gui::MainWindow window;
    window.show();
    QSignalSpy changed(&window, &gui::MainWindow::documentChanged);
    window.open({{snapshot_path(leak_, 1), snapshot_path(leak_, 2)}, {}});
    QVERIFY(changed.wait(60000));
    const auto doc = window.document();
    QVERIFY(doc != nullptr);
    QCOMPARE(doc->series().snapshots.size(), std::size_t{2});
    const Analysis& a = doc->latest();
    QVERIFY(!a.suspects.empty());

    // The tree opens on a stale entry of the top suspect, its reason as the tooltip.
    gui::ContextPage* page = window.context_page();
    const Index selected = page->current_context();
    QVERIFY(selected != kNoIndex);
    QVERIFY(a.node(selected).stale);
    QCOMPARE(a.context(a.node(selected).parent).id, a.context(a.stale_groups[a.suspects[0].group].registrar).id);
    const QModelIndex current = page->tree_view()->currentIndex();
    QVERIFY(current.data(gui::StaleRole).toBool());
    QVERIFY(current.data(Qt::ToolTipRole).toString().contains(QStringLiteral("its cancel was dropped")));
    QVERIFY(current.data(Qt::BackgroundRole).isValid());

    // Stale only: the 20,000 entries the sample leaks.
    gui::ContextFilter f;
    f.stale_only = true;
    page->set_filter(f);
    QCOMPARE(page->proxy()->matches(), std::uint64_t{20000});

    // The summary's suspect sentence, the chart's top parent, the series diff.
    QVERIFY(window.summary_page()->toPlainText().contains(QString::fromStdString(a.suspects[0].sentence)));
    QCOMPARE(window.charts_page()->top_parents()->bars().front().label, QStringLiteral("#16 \"server\""));
    window.show_tab(gui::MainWindow::Tab::Charts);
    QApplication::processEvents();
    QVERIFY(window.charts_page()->icicle()->width() > 0);
    QVERIFY(!window.charts_page()->icicle()->boxes().empty());
    QVERIFY(doc->diff() != nullptr);
    QCOMPARE(diff_of(*doc).mode, MatchMode::ById);
  }

  void leakVersusFixedShowsTheSuspectFixed() {
    const auto doc = gui::load_document({{snapshot_path(leak_, 2)}, snapshot_path(fixed_, 2)});
    QVERIFY(doc->diff() != nullptr);
    QCOMPARE(diff_of(*doc).mode, MatchMode::ByCreationPath);
    gui::DiffPage page;
    page.set_document(doc);
    QCOMPARE(page.groups()->rowCount(), 1);
    QCOMPARE(page.groups()->index(0, gui::GroupDeltaModel::Change).data().toString(), QStringLiteral("Fixed"));
    QVERIFY(page.groups()->index(0, gui::GroupDeltaModel::Sentence).data().toString().contains(QStringLiteral("no longer holds")));
    QVERIFY(page.headline()->text().contains(QStringLiteral("1 fixed")));
    // Two runs given as files are compared the same way.
    const auto doc2 = gui::load_document({{snapshot_path(leak_, 2), snapshot_path(fixed_, 2)}, {}});
    QVERIFY(doc2->compared() != nullptr);
    QCOMPARE(diff_of(*doc2).groups.size(), diff_of(*doc).groups.size());
  }

  void oneRunsSnapshotsInReverseOrderAreStillASeriesThatGrows() {
    // The analyzer's run identity, not the order given: .0002 then .0001 is the series
    // .0001 -> .0002 (growth, as `ctxheap report` says), never a "fixed" comparison.
    const auto doc = gui::load_document({{snapshot_path(leak_, 2), snapshot_path(leak_, 1)}, {}});
    QVERIFY(doc->compared() == nullptr);
    QCOMPARE(doc->series().snapshots.size(), std::size_t{2});
    const auto& first = *doc->series().snapshots.front().profile;
    const auto& last = *doc->latest().profile;
    QVERIFY(first.meta.sequence < last.meta.sequence);
    QVERIFY(doc->series().snapshots.front().summary.stale < doc->latest().summary.stale);
    QVERIFY(doc->diff() != nullptr);
    QCOMPARE(diff_of(*doc).mode, MatchMode::ById);
    QVERIFY(diff_of(*doc).stale_before < diff_of(*doc).stale_after);
  }

  void threeRunsDoNotGoTogether() {
    try {
      gui::load_document({{snapshot_path(leak_, 2), snapshot_path(fixed_, 2), snapshot_path(timeout_, 2)}, {}});
      QFAIL("three runs loaded");
    } catch (const LoadError& e) {
      QVERIFY(std::string(e.what()).find("not from the same run") != std::string::npos);
    }
  }

  void screenshotRendersTheWindowToAPng() {
    const QString out = QString::fromStdString((*dir_ / "shot.png").string());
    QProcess gui_process;
    gui_process.start(QStringLiteral(CTXHEAP_GUI),
                      {QString::fromStdString(snapshot_path(leak_, 1)), QString::fromStdString(snapshot_path(leak_, 2)),
                       QStringLiteral("--compare"), QString::fromStdString(snapshot_path(fixed_, 2)), QStringLiteral("--screenshot"),
                       out, QStringLiteral("--tab"), QStringLiteral("charts"), QStringLiteral("--size"), QStringLiteral("1000x700")});
    QVERIFY(gui_process.waitForFinished(120000));
    QCOMPARE(gui_process.exitCode(), 0);
    const QImage image(out);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1000, 700));
    // A rendered window, not a blank: many colours, and the red of the stale entries.
    QSet<QRgb> colours;
    bool red = false;
    for (int y = 0; y < image.height(); y += 3)
      for (int x = 0; x < image.width(); x += 3) {
        const QColor c = image.pixelColor(x, y);
        colours.insert(c.rgb());
        red = red || (c.red() > 200 && c.green() < 130 && c.blue() < 130);
      }
    QVERIFY(colours.size() > 50);
    QVERIFY(red);
  }

  void screenshotOfABadFileExitsTwoWithTheReason() {
    const auto bad = *dir_ / "bad.ctxheap";
    { std::ofstream(bad) << "nope"; }
    QProcess gui_process;
    gui_process.start(QStringLiteral(CTXHEAP_GUI), {QString::fromStdString(bad.string()), QStringLiteral("--screenshot"),
                                                    QString::fromStdString((*dir_ / "never.png").string())});
    QVERIFY(gui_process.waitForFinished(60000));
    QCOMPARE(gui_process.exitCode(), 2);
    std::string reason;
    try {
      load_profile(bad);
    } catch (const LoadError& e) {
      reason = e.what();
    }
    const QString err = QString::fromUtf8(gui_process.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("ctxheap-gui: ") + QString::fromStdString(reason) + QLatin1Char('\n')), qPrintable(err));
    QVERIFY(!std::filesystem::exists(*dir_ / "never.png"));
  }
};

QTEST_MAIN(SamplesTest)
#include "samples_test.moc"
