// The app's edges: the command line, and what it remembers (recent files, layout).
#include <QtTest>

#include "app/command_line.hpp"
#include "gui_test_support.hpp"
#include "settings/app_settings.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;

namespace {

LoadRequest request_of(std::initializer_list<const char*> files, const char* compare = "") {
  LoadRequest r;
  for (const char* f : files) r.files.emplace_back(f);
  r.compare = compare;
  return r;
}

std::optional<gui::CommandLine> parse(QStringList args, QString& error) {
  args.prepend(QStringLiteral("ctxheap-gui"));
  return gui::parse_command_line(args, error);
}

}  // namespace

class AppTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ctxheap-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("app_test"));
  }
  void init() { QSettings().clear(); }

  void recentFilesKeepTheLastTenMostRecentFirst() {
    for (int k = 0; k < 12; ++k) gui::AppSettings::add_recent(request_of({qPrintable(QStringLiteral("/s/%1.ctxheap").arg(k))}));
    auto recent = gui::AppSettings::recent();
    QCOMPARE(recent.size(), std::size_t{gui::AppSettings::kMaxRecent});
    QCOMPARE(recent.front().files.front().string(), std::string("/s/11.ctxheap"));
    QCOMPARE(recent.back().files.front().string(), std::string("/s/2.ctxheap"));
    // Opening one again moves it to the front, once.
    gui::AppSettings::add_recent(request_of({"/s/5.ctxheap"}));
    recent = gui::AppSettings::recent();
    QCOMPARE(recent.size(), std::size_t{gui::AppSettings::kMaxRecent});
    QCOMPARE(recent.front().files.front().string(), std::string("/s/5.ctxheap"));
    QCOMPARE(std::count_if(recent.begin(), recent.end(), [](const LoadRequest& r) { return r.files.front() == "/s/5.ctxheap"; }), 1);
    gui::AppSettings::clear_recent();
    QVERIFY(gui::AppSettings::recent().empty());
  }

  void aRecentEntryKeepsItsSeriesAndComparison() {
    const LoadRequest series = request_of({"/d/leak.0001.ctxheap", "/d/leak.0002.ctxheap"}, "/d/fixed.0002.ctxheap");
    gui::AppSettings::add_recent(series);
    QCOMPARE(gui::AppSettings::recent().front(), series);
    QCOMPARE(gui::AppSettings::describe(series),
             QStringLiteral("leak.0001.ctxheap \u2026 leak.0002.ctxheap (2 snapshots) vs fixed.0002.ctxheap"));
    QCOMPARE(gui::AppSettings::describe(request_of({"/d/a.ctxheap"})), QStringLiteral("a.ctxheap"));
  }

  void layoutIsRememberedAndForgotten() {
    gui::AppSettings::set_layout(QStringLiteral("tree/header"), QByteArray("state"));
    QCOMPARE(gui::AppSettings::layout(QStringLiteral("tree/header")), QByteArray("state"));
    gui::AppSettings::add_recent(request_of({"/s/x.ctxheap"}));
    gui::AppSettings::clear_layout();
    QVERIFY(gui::AppSettings::layout(QStringLiteral("tree/header")).isEmpty());
    QCOMPARE(gui::AppSettings::recent().size(), std::size_t{1});  // recent files are not layout
  }

  void commandLineOpensFilesAndComparesAndScreenshots() {
    QString error;
    const auto cl = parse({QStringLiteral("a.ctxheap"), QStringLiteral("b.ctxheap"), QStringLiteral("--compare"), QStringLiteral("c.ctxheap"),
                           QStringLiteral("--screenshot"), QStringLiteral("out.png"), QStringLiteral("--tab"), QStringLiteral("DIFF"),
                           QStringLiteral("--size"), QStringLiteral("800x600"), QStringLiteral("--select"), QStringLiteral("#16")},
                          error);
    QVERIFY2(cl.has_value(), qPrintable(error));
    QCOMPARE(cl->request, request_of({"a.ctxheap", "b.ctxheap"}, "c.ctxheap"));
    QCOMPARE(cl->screenshot, QStringLiteral("out.png"));
    QCOMPARE(cl->tab, gui::MainWindow::Tab::Diff);
    QCOMPARE(cl->size, QSize(800, 600));
    QCOMPARE(cl->select.value_or(0), ContextId{16});
    const auto plain = parse({}, error);
    QVERIFY(plain.has_value());
    QVERIFY(plain->request.files.empty());
    QCOMPARE(plain->tab, gui::MainWindow::Tab::Contexts);
    QCOMPARE(plain->view, gui::AllocationsPage::View::TopDown);
  }

  void commandLineChoosesTheAllocationsViewAndSearch() {
    QString error;
    const auto cl = parse({QStringLiteral("app.0001.heap"), QStringLiteral("--tab"), QStringLiteral("allocations"),
                           QStringLiteral("--view"), QStringLiteral("caller-callee"), QStringLiteral("--search"), QStringLiteral("grow")},
                          error);
    QVERIFY2(cl.has_value(), qPrintable(error));
    QCOMPARE(cl->tab, gui::MainWindow::Tab::Allocations);
    QCOMPARE(cl->view, gui::AllocationsPage::View::CallerCallee);
    QCOMPARE(cl->search, QStringLiteral("grow"));
    QCOMPARE(cl->diff_table, 0);
    const auto flame = parse({QStringLiteral("a.heap"), QStringLiteral("--view"), QStringLiteral("flame-graph"),
                              QStringLiteral("--diff-table"), QStringLiteral("allocations")},
                             error);
    QVERIFY2(flame.has_value(), qPrintable(error));
    QCOMPARE(flame->view, gui::AllocationsPage::View::FlameGraph);
    QCOMPARE(flame->diff_table, 2);
  }

  void badCommandLinesSayWhy() {
    const QStringList cases[] = {
        {QStringLiteral("a.ctxheap"), QStringLiteral("--tab"), QStringLiteral("flames")},
        {QStringLiteral("a.ctxheap"), QStringLiteral("--size"), QStringLiteral("huge")},
        {QStringLiteral("a.ctxheap"), QStringLiteral("--size"), QStringLiteral("10x10")},
        {QStringLiteral("a.ctxheap"), QStringLiteral("--select"), QStringLiteral("server")},
        {QStringLiteral("--screenshot"), QStringLiteral("out.png")},
        {QStringLiteral("--compare"), QStringLiteral("c.ctxheap")},
        {QStringLiteral("--no-such-option")},
        {QStringLiteral("a.ctxheap"), QStringLiteral("--view"), QStringLiteral("flame")},
        {QStringLiteral("a.ctxheap"), QStringLiteral("--diff-table"), QStringLiteral("stacks")},
    };
    for (const QStringList& args : cases) {
      QString error;
      QVERIFY2(!parse(args, error).has_value(), qPrintable(args.join(QLatin1Char(' '))));
      QVERIFY(!error.isEmpty());
      QVERIFY(!error.contains(QLatin1Char('\n')));
    }
  }
};

QTEST_MAIN(AppTest)
#include "app_test.moc"
