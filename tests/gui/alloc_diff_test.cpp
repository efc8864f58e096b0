// The Diff tab's allocation-stack deltas (AllocDiffPanel, AllocDeltaModel): the rows are
// the analyzer's diff_allocation_stacks of the two inputs, folded as every view folds them
// unless All frames; a search is the analyzer's filtered() on both sides; swapping
// documents under every search and mode keeps the model valid (QAbstractItemModelTester);
// goroutine profiles are counted in goroutines, as the summary reads; creation-site labels
// are the analyzer's describe_site_delta.
#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QTabWidget>
#include <QtTest>

#include "ctxheap/analyzer/profile_builder.hpp"
#include "gui_test_support.hpp"
#include "models/alloc_delta_model.hpp"
#include "models/site_delta_model.hpp"
#include "models/text.hpp"
#include "views/alloc_diff_panel.hpp"
#include "views/diff_page.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;
namespace an = ctxheap::analyzer;

namespace {

struct StackText {
  std::vector<std::string> frames;  ///< leaf first
  std::uint64_t inuse = 0;
  std::uint64_t objects = 0;  ///< 0: one per 64 bytes
};

/// A profile of allocation stacks as a gperftools dump loads (no contexts); `build`
/// shifts addresses and lines, as a rebuild of the server does.
Profile allocations(const std::vector<StackText>& stacks, std::uint64_t build, std::string kind = "gperftools") {
  an::ProfileBuilder b;
  b.meta().source_kind = std::move(kind);
  b.meta().program = "server";
  for (const StackText& s : stacks) {
    std::vector<an::FrameText> frames;
    std::uint64_t a = 0x4000 + build * 0x100000;
    for (const auto& f : s.frames) frames.push_back({f, "server.cpp", static_cast<std::uint32_t>(20 + build), "server", a += 16, a});
    an::Site site;
    site.stack = b.add_stack(std::span<const an::FrameText>(frames));
    const std::uint64_t objects = s.objects != 0 ? s.objects : s.inuse / 64;
    site.estimated = {objects * 2, s.inuse * 2, objects, s.inuse};
    site.sampled = site.estimated;
    b.add_site(site);
  }
  return std::move(b).finish();
}

std::vector<StackText> server_stacks(std::uint64_t requests, int build) {
  const std::string vec = build == 0 ? "std::vector<char, std::allocator<char> >::_M_realloc_insert<char const&>(char const&)"
                                     : "std::vector<char, std::allocator<char> >::reserve(unsigned long)";
  std::vector<StackText> out = {{{"operator new(unsigned long)", vec, "make_body(int)", "handle_request(int)", "serve", "main"}, 4096 * requests},
                                {{"malloc", "parse_json(std::string_view)", "handle_request(int)", "serve", "main"}, 512 * requests},
                                {{"malloc", "cache_put", "serve", "main"}, 64 * 1024},
                                {{"malloc", "log_line", "main"}, 640 * requests}};
  for (int k = 0; k < 40; ++k) out.push_back({{"malloc", "handler_" + std::to_string(k), "serve", "main"}, 64 * (k + 1) * (requests % 7 + 1)});
  return out;
}

std::shared_ptr<const Document> compared(std::vector<StackText> before, std::vector<StackText> after, const std::string& kind = "gperftools") {
  std::vector<Profile> run;
  run.push_back(allocations(before, 0, kind));
  return make_document(std::move(run), allocations(after, 1, kind));
}

QStringList names(const gui::AllocDeltaModel& m) {
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r) out << m.index(r, gui::AllocDeltaModel::Name).data().toString();
  return out;
}

}  // namespace

class AllocDiffTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void theDiffTabListsTheAnalyzersFoldedStackDeltas() {
    const auto doc = compared(server_stacks(100, 0), server_stacks(900, 1));
    QVERIFY(doc->diff() != nullptr);
    gui::DiffPage page;
    page.set_document(doc);
    page.allocations()->settle();  // answered on a worker thread
    QCOMPARE(page.tables()->tabText(page.tables()->indexOf(page.allocations())), QStringLiteral("Allocation stacks"));
    const gui::AllocDeltaModel& m = *page.allocations()->model();
    const auto expected = an::diff_allocation_stacks(*doc->diff_before()->profile, *doc->diff_after()->profile, an::FrameDetail::Folded);
    QCOMPARE(m.rowCount(), static_cast<int>(expected.stacks.size()));
    QVERIFY(m.rowCount() > 0);
    // The largest change first: the request bodies, in the user's frames only.
    QCOMPARE(m.index(0, gui::AllocDeltaModel::Name).data().toString(),
             QStringLiteral("main \u203a serve \u203a handle_request(int) \u203a make_body(int)"));
    QCOMPARE(m.index(0, gui::AllocDeltaModel::InuseDelta).data(gui::SortRole).toDouble(),
             static_cast<double>(expected.stacks[0].delta_inuse_bytes()));
    QCOMPARE(m.index(0, gui::AllocDeltaModel::InuseDelta).data(gui::DeltaSignRole).toInt(), 1);
    for (const QString& n : names(m)) QVERIFY2(!n.contains(QStringLiteral("std::vector")) && !n.contains(QStringLiteral("operator new")), qPrintable(n));

    // All frames: the two builds' vector internals differ, so the body shows gone and new.
    page.allocations()->set_all_frames(true);
    page.allocations()->settle();
    const auto all = an::diff_allocation_stacks(*doc->diff_before()->profile, *doc->diff_after()->profile, an::FrameDetail::All);
    QCOMPARE(m.rowCount(), static_cast<int>(all.stacks.size()));
    QVERIFY(names(m).join(QStringLiteral("\n")).contains(QStringLiteral("std::vector<char, std::allocator<char> >::reserve")));
    page.allocations()->set_all_frames(false);
    page.allocations()->settle();

    // Functions: the analyzer's inclusive deltas.
    page.allocations()->set_functions(true);
    QCOMPARE(m.rowCount(), static_cast<int>(expected.functions.size()));
    QCOMPARE(m.index(0, gui::AllocDeltaModel::Name).data().toString(), QString::fromStdString(expected.functions[0].name));
    QVERIFY(page.allocations()->summary_label()->text().contains(QStringLiteral("allocation stacks and")));
  }

  void theHeadlineSaysTheAnalyzersMatchRuleForDumpsWithoutContexts() {
    // Two gperftools dumps of one run have no contexts: no "matched by context id".
    const auto doc = compared(server_stacks(100, 0), server_stacks(900, 1));
    gui::DiffPage page;
    page.set_document(doc);
    const QString headline = page.headline()->text();
    QVERIFY2(headline.contains(QString::fromUtf8(an::match_rule_text(*doc->diff()).data()).toHtmlEscaped()), qPrintable(headline));
    QVERIFY2(headline.contains(QStringLiteral("no contexts to match")), qPrintable(headline));
    QVERIFY2(!headline.contains(QStringLiteral("context id")), qPrintable(headline));
    // Snapshots with contexts keep the contexts rule, worded as the CLI's diff prints it.
    std::vector<Profile> run;
    run.push_back(server_profile(20, 0, kNow, 42));
    const auto across = make_document(std::move(run), server_profile(0, 20, kNow, 43));
    page.set_document(across);
    QVERIFY2(page.headline()->text().contains(QStringLiteral("contexts matched by creation path (different runs)")),
             qPrintable(page.headline()->text()));
  }

  void aSearchComparesOnlyStacksThroughMatchesAndDocumentSwapsStayValid() {
    gui::AllocDiffPanel panel;
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto a = compared(server_stacks(10, 0), server_stacks(300, 1));
    const auto b = compared(server_stacks(5, 0), server_stacks(6, 1));
    const auto single = make_document(allocations(server_stacks(5, 0), 0));  // no diff
    for (const bool functions : {false, true}) {
      panel.set_functions(functions);
      for (const QString& search : {QString(), QStringLiteral("PARSE"), QStringLiteral("handler_1"), QStringLiteral("nothing matches")}) {
        panel.set_search(search);
        for (const auto& doc : {a, single, b, std::shared_ptr<const Document>{}, a}) {
          panel.set_document(doc);
          panel.settle();
          for (int r = 0; r < panel.model()->rowCount(); ++r)
            for (int c = 0; c < panel.model()->columnCount(); ++c) (void)panel.model()->index(r, c).data();
          if (!doc || doc->diff() == nullptr) {
            QCOMPARE(panel.model()->rowCount(), 0);
            continue;
          }
          const std::string needle = search.toStdString();
          const an::AllocationStacks before(*doc->diff_before()->profile), after(*doc->diff_after()->profile);
          const auto expected = an::diff_allocation_stacks(before.filtered(needle), after.filtered(needle));
          QCOMPARE(panel.model()->rowCount(), static_cast<int>(functions ? expected.functions.size() : expected.stacks.size()));
        }
      }
    }
    // Typing applies once typing pauses.
    panel.set_document(a);
    panel.set_functions(false);
    panel.set_search({});
    panel.settle();
    panel.search_box()->setText(QStringLiteral("cache_put"));
    QTRY_VERIFY(panel.summary_label()->text().contains(QStringLiteral("cache_put")));
    for (const QString& n : names(*panel.model())) QVERIFY(n.contains(QStringLiteral("cache_put")));
  }

  void theDiffIsAnsweredOnAWorkerAndOnlyTheNewestAnswerShows() {
    const auto doc = compared(server_stacks(10, 0), server_stacks(300, 1));
    gui::AllocDiffPanel panel;
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy answered(&panel, &gui::AllocDiffPanel::answered);
    panel.set_document(doc);
    // Asked, not computed on this thread: nothing shown yet, the busy bar says so.
    QVERIFY(panel.busy());
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(panel.findChild<QWidget*>(QStringLiteral("allocDiffBusy"))->isVisibleTo(&panel));
    // A search asked before the first answer arrives supersedes it: only its answer shows.
    panel.set_search(QStringLiteral("parse"));
    QTRY_VERIFY(!panel.busy());
    QCOMPARE(answered.count(), 1);
    const an::AllocationStacks before(*doc->diff_before()->profile), after(*doc->diff_after()->profile);
    const auto expected = an::diff_allocation_stacks(before.filtered("parse"), after.filtered("parse"));
    QCOMPARE(panel.model()->rowCount(), static_cast<int>(expected.stacks.size()));
    QVERIFY(panel.model()->rowCount() > 0);
    for (const QString& n : names(*panel.model())) QVERIFY2(n.contains(QStringLiteral("parse_json")), qPrintable(n));
    QVERIFY(!panel.findChild<QWidget*>(QStringLiteral("allocDiffBusy"))->isVisibleTo(&panel));
    // Stacks and functions come in one answer: switching asks nothing.
    panel.set_functions(true);
    QVERIFY(!panel.busy());
    QCOMPARE(panel.model()->rowCount(), static_cast<int>(expected.functions.size()));
  }

  void aDiffOfMoreStacksThanTheTableListsShowsTheLargestAndCountsThemAll() {
    const int n = gui::AllocDeltaModel::kMaxRows + 50;
    std::vector<StackText> after;
    for (int k = 0; k < n; ++k) after.push_back({{"malloc", "handler_" + std::to_string(k), "serve", "main"}, 64 * static_cast<std::uint64_t>(k + 1)});
    const auto doc = compared({{{"malloc", "serve", "main"}, 64}}, after);
    gui::AllocDiffPanel panel;
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.set_document(doc);
    panel.settle();
    const an::AllocationDiff* d = panel.model()->alloc_diff();
    QVERIFY(d != nullptr);
    QVERIFY(d->stacks.size() > static_cast<std::size_t>(gui::AllocDeltaModel::kMaxRows));
    QCOMPARE(panel.model()->rowCount(), gui::AllocDeltaModel::kMaxRows);
    QCOMPARE(panel.model()->total_rows(), d->stacks.size());
    // The analyzer's order: the largest change first, the smallest ones left out.
    QCOMPARE(panel.model()->index(0, gui::AllocDeltaModel::Name).data().toString(),
             QString::fromStdString("main \u203a serve \u203a handler_" + std::to_string(n - 1)));
    const QString summary = panel.summary_label()->text();
    QVERIFY2(summary.contains(gui::count_text(d->stacks.size())) && summary.contains(QStringLiteral("10,000 largest")), qPrintable(summary));
  }

  void goroutineProfilesAreCountedInGoroutines() {
    const std::vector<StackText> before = {{{"runtime.gopark", "main.worker", "main.main"}, 0, 4}, {{"runtime.gopark", "main.idle", "main.main"}, 0, 2}};
    const std::vector<StackText> after = {{{"runtime.gopark", "main.worker", "main.main"}, 0, 400}, {{"runtime.gopark", "main.idle", "main.main"}, 0, 1}};
    const auto doc = compared(before, after, "goroutine");
    gui::AllocDiffPanel panel;
    panel.set_document(doc);
    panel.settle();
    const gui::AllocDeltaModel& m = *panel.model();
    QVERIFY(m.alloc_diff() != nullptr && m.alloc_diff()->objects_only);
    QCOMPARE(m.headerData(gui::AllocDeltaModel::InuseBefore, Qt::Horizontal).toString(), QStringLiteral("Goroutines before"));
    QCOMPARE(m.index(0, gui::AllocDeltaModel::InuseBefore).data().toString(), QStringLiteral("4"));
    QCOMPARE(m.index(0, gui::AllocDeltaModel::InuseDelta).data(gui::SortRole).toDouble(), 396.0);
    QVERIFY2(panel.summary_label()->text().contains(QStringLiteral("6 goroutines")), qPrintable(panel.summary_label()->text()));
  }

  void creationSiteLabelsAreTheAnalyzersForEachRun() {
    // Two runs whose server was created at shifted lines: the label names the after run's
    // site and the before run's in parentheses, as the CLI prints it.
    std::vector<Profile> run;
    run.push_back(server_profile(20, 0, kNow, 42));
    const auto doc = make_document(std::move(run), server_profile(0, 20, kNow, 43));
    gui::SiteDeltaModel m;
    m.set_document(doc);
    const an::ProfileDiff& d = diff_of(*doc);
    QVERIFY(m.rowCount() > 0);
    for (int r = 0; r < m.rowCount(); ++r)
      QCOMPARE(m.index(r, gui::SiteDeltaModel::Site).data().toString(),
               QString::fromStdString(an::describe_site_delta(*doc->diff_before(), *doc->diff_after(), d.sites[static_cast<std::size_t>(r)])));
  }
};

QTEST_MAIN(AllocDiffTest)
#include "alloc_diff_test.moc"
