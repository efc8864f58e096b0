// The Allocations tab: AllocTreeModel in every mode under QAbstractItemModelTester, its
// lazy fetching, the page swapping documents while a search is active, and a gperftools
// dump opening on the Allocations tab. Numbers are checked against the analyzer's
// AllocationStacks: the model only formats them.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QThreadPool>
#include <QTreeView>
#include <QtTest>
#include <fstream>

#include "ctxheap/analyzer/profile_builder.hpp"
#include "gui_test_support.hpp"
#include "models/alloc_tree_model.hpp"
#include "synthetic_snapshot.hpp"
#include "models/text.hpp"
#include "views/allocations_page.hpp"
#include "views/main_window.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;
namespace an = ctxheap::analyzer;
using Mode = gui::AllocTreeModel::Mode;

namespace {

/// A profile of allocation sites only, as a gperftools dump or Go profile loads:
/// main → serve → {parse, cache_put} → malloc, main → log, plus `extra` distinct
/// allocating functions under main → fan_out (for batches).
Profile sites_profile(int extra = 0, std::uint64_t interval = 0, std::uint64_t scale = 1) {
  an::ProfileBuilder b;
  b.meta().sampling_interval_bytes = interval;
  const auto add = [&](std::vector<std::string> frames, std::uint64_t inuse, std::uint64_t alloc) {
    std::vector<an::FrameText> text;
    std::uint64_t a = 0x1000;
    for (const auto& f : frames) text.push_back({f, "app.cpp", 10, "app", a += 16, a});
    an::Site s;
    s.stack = b.add_stack(std::span<const an::FrameText>(text));
    s.estimated = {alloc / 16, alloc, inuse / 16, inuse};
    s.sampled = {alloc / 1600 + 1, alloc / 100, inuse / 1600, inuse / 100};
    b.add_site(s);
  };
  add({"malloc", "parse", "serve", "main"}, 800 * scale, 8000 * scale);
  add({"malloc", "cache_put", "serve", "main"}, 4000 * scale, 4000 * scale);
  add({"log", "main"}, 200 * scale, 400 * scale);
  for (int k = 0; k < extra; ++k) add({"leaf_" + std::to_string(k), "fan_out", "main"}, 16, 32);
  return std::move(b).finish();
}

std::shared_ptr<const an::AllocationStacks> stacks_of(const Profile& p) {
  return std::make_shared<const an::AllocationStacks>(p);
}

QString name_at(const QAbstractItemModel& m, int row, const QModelIndex& parent = {}) {
  return m.index(row, gui::AllocTreeModel::FunctionColumn, parent).data().toString();
}

/// The top-level rows' names, after fetching them all.
QStringList top_names(QAbstractItemModel& m) {
  while (m.canFetchMore({})) m.fetchMore({});
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r) out << name_at(m, r);
  return out;
}

}  // namespace

class AllocViewsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyModePassesTheModelTesterAndShowsTheAnalyzersNumbers() {
    const Profile p = sites_profile(5);
    const auto stacks = stacks_of(p);
    const auto serve = stacks->find("serve").at(0);
    for (const Mode mode : {Mode::TopDown, Mode::BottomUp, Mode::Functions, Mode::Callers, Mode::Callees}) {
      for (const an::AllocMeasure measure : {an::AllocMeasure::InUse, an::AllocMeasure::Allocated}) {
        gui::AllocTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.set_source(stacks, mode, measure, serve);
        const auto rows = all_rows(model);
        QVERIFY(!rows.empty());
        // The first row is the analyzer's first answer, formatted.
        an::AllocNode first;
        switch (mode) {
          case Mode::TopDown: first = stacks->children(an::AllocView::TopDown, stacks->root(an::AllocView::TopDown).ref, measure)[0]; break;
          case Mode::BottomUp: first = stacks->children(an::AllocView::BottomUp, stacks->root(an::AllocView::BottomUp).ref, measure)[0]; break;
          case Mode::Functions: first = stacks->functions(measure)[0]; break;
          case Mode::Callers: first = stacks->caller_callee(serve, measure).callers[0]; break;
          case Mode::Callees: first = stacks->caller_callee(serve, measure).callees[0]; break;
        }
        const bool inuse = measure == an::AllocMeasure::InUse;
        QCOMPARE(name_at(model, 0), gui::qstr(stacks->function_name(first.function)));
        QCOMPARE(model.index(0, gui::AllocTreeModel::TotalColumn).data().toString(),
                 gui::bytes_text(inuse ? first.total.inuse_bytes : first.total.alloc_bytes));
        QCOMPARE(model.index(0, gui::AllocTreeModel::SelfColumn).data().toString(),
                 gui::bytes_text(inuse ? first.self.inuse_bytes : first.self.alloc_bytes));
      }
    }
  }

  void bottomUpListsAllocatingFunctionsWithCallersBelow() {
    const auto stacks = stacks_of(sites_profile());
    gui::AllocTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_source(stacks, Mode::BottomUp, an::AllocMeasure::InUse);
    QCOMPARE(top_names(model), (QStringList{"cache_put", "parse", "log"}));
    const QModelIndex cache = model.index(0, 0);
    QVERIFY(model.hasChildren(cache));
    model.fetchMore(cache);
    QCOMPARE(name_at(model, 0, cache), QStringLiteral("serve"));
  }

  void childrenArriveInBatchesOnlyWhenAskedFor() {
    const auto stacks = stacks_of(sites_profile(600));
    gui::AllocTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_source(stacks, Mode::BottomUp, an::AllocMeasure::InUse);
    QCOMPARE(model.rowCount(), 0);  // nothing computed before a view asks
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QCOMPARE(model.rowCount(), gui::AllocTreeModel::kBatch);
    while (model.canFetchMore({})) model.fetchMore({});
    QCOMPARE(model.rowCount(), 603);  // 600 leaves, cache_put, parse, log
  }

  void sampledInputsMarkEstimatesAndTellTheirRange() {
    const auto stacks = stacks_of(sites_profile(0, 512 * 1024, 1024));
    gui::AllocTreeModel model;
    model.set_source(stacks, Mode::TopDown, an::AllocMeasure::InUse);
    model.fetchMore({});
    const QModelIndex total = model.index(0, gui::AllocTreeModel::TotalColumn);
    QVERIFY(total.data().toString().startsWith(QStringLiteral("≈")));
    QVERIFY(total.data(Qt::ToolTipRole).toString().contains(QStringLiteral("95 %")));
  }

  void swappingDocumentsWhileASearchIsActiveKeepsEveryModelValid() {
    gui::AllocationsPage page;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
    for (QAbstractItemModel* m : {static_cast<QAbstractItemModel*>(page.tree_model()), static_cast<QAbstractItemModel*>(page.functions_model()),
                                  static_cast<QAbstractItemModel*>(page.callers_model()), static_cast<QAbstractItemModel*>(page.callees_model())})
      testers.push_back(std::make_unique<QAbstractItemModelTester>(m, QAbstractItemModelTester::FailureReportingMode::QtTest));
    const auto small = make_document(sites_profile());
    const auto big = make_document(sites_profile(300));
    const auto contexts = make_document(server_profile(20, 3));
    for (const auto view : {gui::AllocationsPage::View::TopDown, gui::AllocationsPage::View::BottomUp,
                            gui::AllocationsPage::View::CallerCallee}) {
      for (const QString& search : {QStringLiteral("cache"), QStringLiteral("leaf_2"), QStringLiteral("nothing matches")}) {
        page.set_document(nullptr);
        page.set_view(view);
        page.set_search(search);
        for (const auto& doc : {small, big, contexts, std::shared_ptr<const Document>{}, big}) {
          page.set_document(doc);
          all_rows(*page.tree_model());  // while its answer is computed: empty, valid
          page.settle();
          all_rows(*page.tree_model());
          all_rows(*page.functions_model());
          all_rows(*page.callers_model());
          all_rows(*page.callees_model());
          if (!doc) continue;
          // What the page shows is the analyzer's search over this document.
          const auto expected = doc->allocation_stacks(an::FrameDetail::Folded)->filtered(search.toStdString());
          gui::AllocTreeModel* shown = view == gui::AllocationsPage::View::CallerCallee ? page.functions_model() : page.tree_model();
          QVERIFY(shown->stacks() != nullptr);
          QCOMPARE(shown->stacks()->total(), expected.total());
        }
      }
    }
    // Typing a search applies it once typing pauses.
    page.set_document(big);
    page.set_view(gui::AllocationsPage::View::TopDown);
    page.set_search({});
    page.search_box()->setText(QStringLiteral("LEAF_1"));
    QTRY_VERIFY(page.summary_label()->text().contains(QStringLiteral("LEAF_1")));
    QVERIFY(page.tree_model()->stacks() != nullptr);
    QCOMPARE(page.tree_model()->stacks()->total(), big->allocation_stacks(an::FrameDetail::Folded)->filtered("leaf_1").total());
  }

  void theViewsAreAnsweredOffTheUiThreadAndOnlyTheNewestAnswerShows() {
    gui::AllocationsPage page;
    QAbstractItemModelTester tester(page.tree_model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy answered(&page, &gui::AllocationsPage::answered);
    const auto doc = make_document(sites_profile(300));
    page.set_document(doc);
    // Asked, not answered: the UI thread went back to its event loop with the busy bar up.
    QVERIFY(page.busy());
    QVERIFY(!page.busy_bar()->isHidden());
    QCOMPARE(page.tree_model()->rowCount(), 0);
    QVERIFY(answered.wait(30000));
    QVERIFY(!page.busy());
    QVERIFY(page.busy_bar()->isHidden());
    QVERIFY(page.tree_model()->rowCount() > 0);
    // Three changes in a row: the answers to the first two are dropped on arrival.
    page.set_view(gui::AllocationsPage::View::BottomUp);
    page.set_search(QStringLiteral("leaf_2"));
    page.set_view(gui::AllocationsPage::View::TopDown);
    QVERIFY(page.busy());
    answered.clear();
    QVERIFY(answered.wait(30000));
    QVERIFY(!page.busy());
    QThreadPool::globalInstance()->waitForDone();  // the older answers arrive too...
    QCoreApplication::processEvents();
    QCOMPARE(answered.count(), 1);  // ...and are dropped
    QCOMPARE(page.tree_model()->mode(), gui::AllocTreeModel::Mode::TopDown);
    const auto expected = doc->allocation_stacks(an::FrameDetail::Folded)->filtered("leaf_2");
    QCOMPARE(page.tree_model()->stacks()->total(), expected.total());
    // Caller/callee comes with the first function's callers and callees; another
    // function's are asked for on selection.
    page.set_view(gui::AllocationsPage::View::CallerCallee);
    page.settle();
    QVERIFY(page.functions_model()->rowCount() > 1);
    QCOMPARE(page.callers_model()->focus(), *page.functions_model()->function_at(page.functions_model()->index(0, 0)));
    const QModelIndex second = page.functions_model()->index(1, 0);
    page.functions_view()->setCurrentIndex(second);
    QVERIFY(page.busy());
    page.settle();
    QCOMPARE(page.callers_model()->focus(), *page.functions_model()->function_at(second));
    const an::CallerCallee cc = expected.caller_callee(*page.functions_model()->function_at(second), an::AllocMeasure::InUse);
    QCOMPARE(top_names(*page.callers_model()).size(), static_cast<qsizetype>(cc.callers.size()));
    QCOMPARE(top_names(*page.callees_model()).size(), static_cast<qsizetype>(cc.callees.size()));
  }

  void allFramesAndMeasureSwitchTheRows() {
    gui::AllocationsPage page;
    QAbstractItemModelTester tester(page.tree_model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.set_document(make_document(sites_profile()));
    page.set_view(gui::AllocationsPage::View::BottomUp);
    page.settle();
    QCOMPARE(top_names(*page.tree_model()).front(), QStringLiteral("cache_put"));
    page.set_measure(an::AllocMeasure::Allocated);
    page.settle();
    QCOMPARE(top_names(*page.tree_model()).front(), QStringLiteral("parse"));  // 8000 allocated
    page.set_all_frames(true);
    page.settle();
    QCOMPARE(top_names(*page.tree_model()).front(), QStringLiteral("malloc"));
  }

  void aGperftoolsDumpOpensOnTheAllocationsTab() {
    TempDir dir;
    const auto dump = dir / "app.0001.heap";
    {
      std::ofstream out(dump);
      out << "heap profile:     4:    13312 [    12:    40960] @ heapprofile\n"
             "     2:     8192 [     8:    32768] @ 0x55d000001234 0x55d000001300 0x55d000001400\n"
             "     2:     5120 [     4:     8192] @ 0x55d000001250 0x55d000001400\n\n"
             "MAPPED_LIBRARIES:\n"
             "55d000001000-55d000005000 r-xp 00001000 08:01 100 /nonexistent/bin/server\n";
    }
    gui::MainWindow window(nullptr, /*persistent=*/false);
    window.show();
    window.show_tab(gui::MainWindow::Tab::Contexts);  // where the app starts (--tab contexts)
    QSignalSpy changed(&window, &gui::MainWindow::documentChanged);
    window.open({{dump}, {}});
    QVERIFY(changed.wait(30000));
    QVERIFY(window.document() != nullptr);
    QVERIFY(window.document()->latest().profile->contexts.empty());
    QCOMPARE(window.current_tab(), gui::MainWindow::Tab::Allocations);
    gui::AllocationsPage* page = window.allocations_page();
    page->settle();
    QCOMPARE(page->tree_model()->stacks()->total().inuse_bytes, std::uint64_t{13312});
    QVERIFY(page->tree_model()->rowCount() > 0);  // opened with its largest path shown
    QVERIFY(page->summary_label()->text().contains(gui::bytes_text(13312)));

    // A snapshot with contexts still opens where the user was.
    const auto snapshot = dir / "contexts.ctxheap";
    ctxheap_bench::SyntheticShape shape;
    shape.contexts = 200;
    ctxheap_bench::write_synthetic_snapshot(snapshot, shape);
    window.show_tab(gui::MainWindow::Tab::Contexts);
    window.open({{snapshot}, {}});
    QVERIFY(changed.wait(30000));
    QCOMPARE(window.current_tab(), gui::MainWindow::Tab::Contexts);
  }
};

QTEST_MAIN(AllocViewsTest)
#include "alloc_views_test.moc"
