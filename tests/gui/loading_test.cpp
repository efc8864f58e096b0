// Loading off the UI thread: results, the reader's one-line reason for a bad file (and
// the dialog that shows it, with the app still working), cancellation, and what belongs
// together.
#include <QMessageBox>
#include <QSignalSpy>
#include <QtTest>
#include <QThread>
#include <QThreadPool>
#include <fstream>

#include "ctxheap/analyzer/load.hpp"
#include "document/load_document.hpp"
#include "gui_test_support.hpp"
#include "loading/load_controller.hpp"
#include "loading/release_document.hpp"
#include "synthetic_snapshot.hpp"
#include "views/main_window.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;

namespace {

std::filesystem::path write_file(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::filesystem::path synthetic(const TempDir& dir, const std::string& name, std::uint64_t contexts, std::uint64_t seed = 1) {
  ctxheap_bench::SyntheticShape shape;
  shape.contexts = contexts;
  shape.seed = seed;
  const auto path = dir / name;
  ctxheap_bench::write_synthetic_snapshot(path, shape);
  return path;
}

/// The analyzer's own message for a file it rejects.
QString reader_reason(const std::filesystem::path& path) {
  try {
    load_profile(path);
  } catch (const LoadError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace

class LoadingTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ctxheap-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("loading_test"));
  }
  void init() { QSettings().clear(); }

  void aGoodSnapshotLoadsOffTheUiThreadWithProgress() {
    TempDir dir;
    const auto path = synthetic(dir, "a.ctxheap", 5000);
    gui::LoadController loader;
    QSignalSpy loaded(&loader, &gui::LoadController::loaded);
    QSignalSpy progress(&loader, &gui::LoadController::progress);
    QSignalSpy busy(&loader, &gui::LoadController::busyChanged);
    loader.start({{path}, {}});
    QVERIFY(loader.busy());
    QVERIFY(loaded.wait(30000));
    QVERIFY(!loader.busy());
    QVERIFY(progress.count() >= 1);
    QCOMPARE(busy.count(), 2);
    const auto doc = loaded.takeFirst().at(0).value<std::shared_ptr<const gui::Document>>();
    QVERIFY(doc != nullptr);
    QCOMPARE(doc->latest().profile->contexts.size(), std::size_t{5000});
    // The same analysis the analyzer gives directly.
    const Analysis direct = analyze(load_profile(path));
    QCOMPARE(doc->latest().summary.stale, direct.summary.stale);
    QCOMPARE(doc->latest().summary.heap_inuse_bytes, direct.summary.heap_inuse_bytes);
  }

  void aBadFileFailsWithTheReadersOneLineReason() {
    TempDir dir;
    const auto bad = write_file(dir, "garbage.ctxheap", std::string(300, 'x'));
    const auto empty = write_file(dir, "empty.ctxheap", "");
    const auto good = synthetic(dir, "good.ctxheap", 2000);
    const auto truncated = dir / "truncated.ctxheap";
    std::filesystem::copy_file(good, truncated);
    std::filesystem::resize_file(truncated, std::filesystem::file_size(good) / 2);
    for (const auto& path : {bad, empty, truncated, dir / "missing.ctxheap"}) {
      gui::LoadController loader;
      QSignalSpy failed(&loader, &gui::LoadController::failed);
      loader.start({{path}, {}});
      QVERIFY(failed.wait(30000));
      const QString reason = failed.takeFirst().at(0).toString();
      QCOMPARE(reason, reader_reason(path));
      QVERIFY(reason.startsWith(QString::fromStdString(path.string()) + QStringLiteral(": ")));
      QVERIFY(!reason.contains(QLatin1Char('\n')));
    }
  }

  void cancellingStopsTheLoad() {
    TempDir dir;
    const auto path = synthetic(dir, "big.ctxheap", 200'000);
    gui::LoadController loader;
    QSignalSpy cancelled(&loader, &gui::LoadController::cancelled);
    QSignalSpy loaded(&loader, &gui::LoadController::loaded);
    loader.start({{path}, {}});
    loader.cancel();
    QVERIFY(cancelled.wait(30000));
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!loader.busy());
  }

  void aNewerRequestSupersedesARunningOne() {
    TempDir dir;
    const auto big = synthetic(dir, "big.ctxheap", 200'000);
    const auto small = synthetic(dir, "small.ctxheap", 1000, 2);
    gui::LoadController loader;
    QSignalSpy loaded(&loader, &gui::LoadController::loaded);
    QSignalSpy cancelled(&loader, &gui::LoadController::cancelled);
    loader.start({{big}, {}});
    loader.start({{small}, {}});
    QVERIFY(loaded.wait(30000));
    loader.wait();
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(cancelled.count(), 0);  // the superseded load is dropped silently
    QCOMPARE(loaded.at(0).at(0).value<std::shared_ptr<const gui::Document>>()->latest().profile->contexts.size(), std::size_t{1000});
  }

  void aReleasedDocumentIsFreedOffTheUiThread() {
    std::vector<Profile> run;
    run.push_back(server_profile(50));
    SeriesAnalysis series = analyze_series(std::move(run));
    QThread* freed_on = nullptr;
    std::shared_ptr<const gui::Document> doc(new gui::Document(gui::LoadRequest{}, std::move(series), std::nullopt),
                                             [&freed_on](const gui::Document* d) {
                                               freed_on = QThread::currentThread();
                                               delete d;
                                             });
    gui::release_in_background(std::move(doc));
    QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
    QVERIFY(freed_on != nullptr);
    QVERIFY(freed_on != QThread::currentThread());
  }

  void closingTheWindowFreesItsDocumentOffTheUiThread() {
    // Closing the app with a million-stack document open is the same 0.8 s of free() as
    // replacing it: the window's pages let go and the last reference goes to a worker.
    std::vector<Profile> run;
    run.push_back(server_profile(50));
    SeriesAnalysis series = analyze_series(std::move(run));
    QThread* freed_on = nullptr;
    auto* made = new gui::Document(gui::LoadRequest{}, std::move(series), std::nullopt);
    made->prepare({});
    std::shared_ptr<const gui::Document> doc(made, [&freed_on](const gui::Document* d) {
      freed_on = QThread::currentThread();
      delete d;
    });
    auto window = std::make_unique<gui::MainWindow>(nullptr, /*persistent=*/false);
    window->show();
    Q_EMIT window->loader()->loaded(std::move(doc));
    QVERIFY(window->document() != nullptr);
    QVERIFY(window->close());
    window.reset();
    QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
    QVERIFY(freed_on != nullptr);
    QVERIFY(freed_on != QThread::currentThread());
  }

  void openingAnotherFileFreesThePreviousDocument() {
    TempDir dir;
    gui::MainWindow window(nullptr, /*persistent=*/false);
    QSignalSpy changed(&window, &gui::MainWindow::documentChanged);
    window.open({{synthetic(dir, "a.ctxheap", 3000)}, {}});
    QVERIFY(changed.wait(30000));
    std::weak_ptr<const gui::Document> first = window.document();
    window.open({{synthetic(dir, "b.ctxheap", 3000, 2)}, {}});
    QVERIFY(changed.wait(30000));
    // No page keeps the first document: the background release was its last reference.
    QTRY_VERIFY(first.expired());
  }

  void theMainWindowShowsTheReasonAndKeepsWorking() {
    TempDir dir;
    const auto bad = write_file(dir, "garbage.ctxheap", "not a snapshot at all");
    const auto good = synthetic(dir, "good.ctxheap", 3000);
    gui::MainWindow window;
    window.show();
    QSignalSpy failed(&window, &gui::MainWindow::loadFailed);
    window.open({{bad}, {}});
    QVERIFY(failed.wait(30000));
    QMessageBox* box = window.error_dialog();
    QVERIFY(box != nullptr);
    QVERIFY(box->isVisible());
    QCOMPARE(box->text(), reader_reason(bad));
    QVERIFY(window.document() == nullptr);

    // The app keeps working: the next file opens while the dialog is still up.
    QSignalSpy changed(&window, &gui::MainWindow::documentChanged);
    window.open({{good}, {}});
    QVERIFY(changed.wait(30000));
    QVERIFY(window.document() != nullptr);
    box->accept();
    QTRY_VERIFY(window.error_dialog() == nullptr);
  }
};

QTEST_MAIN(LoadingTest)
#include "loading_test.moc"
