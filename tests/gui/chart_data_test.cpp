// What the charts plot: the report library's top parents, one point per snapshot, and
// an icicle whose boxes nest and merge siblings by creation site.
#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QHorizontalBarSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSignalSpy>
#include <QValueAxis>
#include <QtTest>

#include "charts/chart_data.hpp"
#include "charts/chart_theme.hpp"
#include "charts/icicle_layout.hpp"
#include "charts/icicle_view.hpp"
#include "charts/series_chart.hpp"
#include "charts/top_parents_chart.hpp"
#include "ctxheap/report/selection.hpp"
#include "gui_test_support.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;

class ChartDataTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void topParentBarsAreTheReportsTopParents() {
    auto doc = make_document(server_profile(10, 3));
    const Analysis& a = doc->latest();
    const auto bars = gui::top_parent_bars(a, doc->top_parents());
    const auto expected = ctxheap::report::top_parents(a, Document::kTopParents);
    QCOMPARE(bars.size(), expected.size());
    QVERIFY(!bars.empty());
    for (std::size_t k = 0; k < bars.size(); ++k) {
      QCOMPARE(bars[k].context, expected[k]);
      QCOMPARE(bars[k].inuse_bytes, a.node(expected[k]).subtree.inuse_bytes());
      QCOMPARE(bars[k].allocated_bytes, a.node(expected[k]).subtree.alloc_bytes);
    }
    gui::TopParentsChart chart;
    chart.set_document(doc);
    QCOMPARE(chart.bars().size(), bars.size());
  }

  void seriesHasOnePointPerSnapshot() {
    std::vector<Profile> run;
    for (int k = 0; k < 3; ++k) {
      run.push_back(server_profile(5 * (k + 1), 0, kNow + static_cast<std::uint64_t>(k) * 10 * kSecond));
      run.back().meta.sequence = static_cast<std::uint64_t>(k);
    }
    auto doc = make_document(std::move(run));
    const auto points = gui::series_points(doc->series());
    QCOMPARE(points.size(), std::size_t{3});
    for (std::size_t k = 0; k < 3; ++k) {
      QCOMPARE(points[k].heap_inuse_bytes, doc->series().snapshots[k].summary.heap_inuse_bytes);
      QCOMPARE(points[k].stale_retained_bytes, doc->series().snapshots[k].summary.stale_retained.bytes);
      QCOMPARE(points[k].seconds, 10.0 * static_cast<double>(k));
    }
    QVERIFY(points[2].heap_inuse_bytes > points[0].heap_inuse_bytes);
    const auto lines = gui::parent_lines(doc->series(), 3);
    QVERIFY(!lines.empty());
    QCOMPARE(lines.front().label, QStringLiteral("#16 \"server\""));
    QCOMPARE(lines.front().points.size(), std::size_t{3});
    gui::SeriesChart chart;
    chart.set_document(doc);
    QCOMPARE(chart.line_count(), 2 + static_cast<int>(lines.size()));
  }

  void icicleBoxesNestInsideTheirParentsAndMergeSiblingsBySite() {
    auto doc = make_document(server_profile(40, 5));
    const Analysis& a = doc->latest();
    const auto boxes = gui::icicle_layout(*doc, kNoIndex, 0.0, 64);
    QVERIFY(!boxes.empty());
    // 40 stale children share one site: one box of 40, all stale; their values another.
    const gui::IcicleBox* stale_box = nullptr;
    for (const auto& b : boxes)
      if (b.stale > 0) stale_box = &b;
    QVERIFY(stale_box != nullptr);
    QCOMPARE(stale_box->contexts, std::uint64_t{40});
    QCOMPARE(stale_box->stale, std::uint64_t{40});
    std::uint64_t stale_bytes = 0;
    for (const StaleChild& s : a.findings.stale) stale_bytes += a.node(s.context).subtree.inuse_bytes();
    QCOMPARE(stale_box->inuse_bytes, stale_bytes);
    // Every box lies within a box one row up, and widths are bytes over the total.
    double total = 0;
    for (Index r : a.forest.roots()) total += static_cast<double>(a.node(r).subtree.inuse_bytes());
    for (const auto& b : boxes) {
      QVERIFY(b.x0 >= 0 && b.x1 <= 1.0 + 1e-9 && b.x1 >= b.x0);
      QVERIFY(std::abs((b.x1 - b.x0) - static_cast<double>(b.inuse_bytes) / total) < 1e-9);
      if (b.depth == 0) continue;
      bool inside = false;
      for (const auto& p : boxes)
        inside = inside || (p.depth + 1 == b.depth && p.x0 <= b.x0 + 1e-9 && b.x1 <= p.x1 + 1e-9);
      QVERIFY(inside);
    }
  }

  void whatOnlyStaleEntriesKeepAliveIsRedWithTheGroupsReason() {
    auto doc = make_document(server_profile(40, 5));
    const Analysis& a = doc->latest();
    const auto boxes = gui::icicle_layout(*doc, kNoIndex, 0.0, 64);
    // The 40 request bodies hang under the server beside the stale entries that alone
    // reference them: their box counts as kept alive, naming a stale entry.
    const gui::IcicleBox* bodies = nullptr;
    for (const auto& b : boxes)
      if (b.kept_alive > 0) bodies = &b;
    QVERIFY(bodies != nullptr);
    QCOMPARE(bodies->kept_alive, std::uint64_t{40});
    QCOMPARE(bodies->stale, std::uint64_t{0});
    QVERIFY(bodies->first_stale != kNoIndex && a.node(bodies->first_stale).stale);
    for (const auto& b : boxes)
      if (b.stale == 0 && b.kept_alive == 0) QVERIFY(b.first_stale == kNoIndex);
  }

  void siblingsWithOneSiteButOtherNamesStayApart() {
    ProfileMaker m;
    m.add(Ctx(1, ContextKind::Background).named("background"));
    for (ContextId k = 1; k <= 8; ++k)
      m.add(Ctx(16 + k, ContextKind::Cancel).from(1).named("server-" + std::to_string(k)).at("main", "server.cpp", 42).inuse(1, 1000 * k));
    auto doc = make_document(std::move(m).profile());
    std::size_t servers = 0;
    for (const auto& b : gui::icicle_layout(*doc, kNoIndex, 0.0, 64))
      if (b.depth == 1) {
        ++servers;
        QCOMPARE(b.contexts, std::uint64_t{1});
      }
    QCOMPARE(servers, std::size_t{8});  // not "8 × server-8"
  }

  void doubleClickZoomsWithoutLeavingTheChartsAndAClickSelects() {
    auto doc = make_document(server_profile(40, 5));
    gui::IcicleView view;
    view.resize(900, 300);
    view.set_document(doc);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy selected(&view, &gui::IcicleView::contextSelected);
    const Index server = doc->latest().forest.find(16);
    QPoint at;
    for (const auto& b : view.boxes())
      if (b.node == server) at = QPoint(static_cast<int>((b.x0 + b.x1) / 2 * view.width()), 22 + static_cast<int>(b.depth) * 22 + 10);
    QVERIFY(!at.isNull());
    QTest::mouseDClick(&view, Qt::LeftButton, {}, at);
    QCOMPARE(view.zoomed(), server);
    QVERIFY(!selected.wait(QApplication::doubleClickInterval() + 200));  // the double-click's first click sent nothing
    view.zoom_to(kNoIndex);
    QTest::mouseClick(&view, Qt::LeftButton, {}, at);
    QVERIFY(selected.count() == 1 || selected.wait(QApplication::doubleClickInterval() + 2000));
    QCOMPARE(selected.front().front().toULongLong(), static_cast<qulonglong>(server));
  }

  void chartsHaveNoPlaceholderNumbersAndRedOnlyMeansStale() {
    gui::SeriesChart empty;
    for (QAbstractAxis* axis : empty.chart()->axes()) QVERIFY(!axis->labelsVisible());
    gui::SeriesChart one;
    one.set_document(make_document(server_profile(5)));
    for (QAbstractAxis* axis : one.chart()->axes(Qt::Horizontal)) QVERIFY(!axis->labelsVisible());  // no five "0.00"
    for (QAbstractAxis* axis : one.chart()->axes(Qt::Vertical)) QVERIFY(axis->labelsVisible());
    gui::TopParentsChart bars;
    for (QAbstractAxis* axis : bars.chart()->axes(Qt::Horizontal)) QVERIFY(!axis->labelsVisible());
    bars.set_document(make_document(server_profile(5)));
    const auto* series = qobject_cast<QHorizontalBarSeries*>(bars.chart()->series().front());
    QVERIFY(series != nullptr);
    for (QBarSet* set : series->barSets()) QVERIFY(set->color() != gui::stale_color());
  }

  void coincidingLinesStayDistinguishableAndTheLegendTogglesThem() {
    // A leak that is the whole heap: the heap, the stale line and the parent's line coincide.
    std::vector<Profile> run;
    for (int k = 0; k < 3; ++k) {
      run.push_back(server_profile(5 * (k + 1), 0, kNow + static_cast<std::uint64_t>(k) * 10 * kSecond));
      run.back().meta.sequence = static_cast<std::uint64_t>(k);
    }
    gui::SeriesChart chart;
    chart.set_document(make_document(std::move(run)));
    std::vector<QLineSeries*> lines;
    for (QAbstractSeries* s : chart.chart()->series()) lines.push_back(qobject_cast<QLineSeries*>(s));
    QVERIFY(lines.size() >= 3);
    for (std::size_t a = 0; a < lines.size(); ++a) {
      QVERIFY(lines[a] != nullptr);
      QVERIFY(lines[a]->pointsVisible());  // a single point still shows
      for (std::size_t b = a + 1; b < lines.size(); ++b) {
        const QPen x = lines[a]->pen(), y = lines[b]->pen();
        QVERIFY2(x.color() != y.color() && (x.widthF() != y.widthF() || x.style() != y.style()),
                 qPrintable(lines[a]->name() + QStringLiteral(" / ") + lines[b]->name()));
      }
      if (lines[a]->name() != QStringLiteral("Retained by stale entries")) QVERIFY(lines[a]->pen().color() != gui::stale_color());
    }
    const auto markers = chart.chart()->legend()->markers(lines[0]);
    QCOMPARE(markers.size(), 1);
    Q_EMIT markers[0]->clicked();
    QVERIFY(!lines[0]->isVisible());
    QVERIFY(markers[0]->isVisible());  // its entry stays, to show it again
    Q_EMIT markers[0]->clicked();
    QVERIFY(lines[0]->isVisible());
  }

  void chartsSayLoadingWhileTheFirstDocumentLoads() {
    gui::SeriesChart series;
    gui::TopParentsChart bars;
    series.set_loading(true);
    bars.set_loading(true);
    QCOMPARE(series.chart()->title(), QStringLiteral("Loading…"));
    QCOMPARE(bars.chart()->title(), QStringLiteral("Loading…"));
    for (QChartView* v : {static_cast<QChartView*>(&series), static_cast<QChartView*>(&bars)})
      for (QAbstractAxis* axis : v->chart()->axes()) QVERIFY(!axis->labelsVisible());  // no "0 0 1 1 1 B"
    const auto doc = make_document(server_profile(5));
    series.set_document(doc);
    bars.set_document(doc);
    QVERIFY(series.chart()->title() != QStringLiteral("Loading…"));
    QVERIFY(bars.chart()->title() != QStringLiteral("Loading…"));
    // Loading another document keeps the shown one's charts until it arrives.
    series.set_loading(false);
    series.set_loading(true);
    QVERIFY(series.chart()->title() != QStringLiteral("Loading…"));
    // Loading ended with nothing (failed, cancelled): the empty chart's own title again.
    gui::SeriesChart failed;
    failed.set_loading(true);
    failed.set_loading(false);
    QVERIFY(failed.chart()->title() != QStringLiteral("Loading…"));
  }

  void narrowBoxesAndDeepRowsAreLeftOut() {
    auto doc = make_document(server_profile(40, 5));
    const auto all = gui::icicle_layout(*doc, kNoIndex, 0.0, 64);
    const auto wide = gui::icicle_layout(*doc, kNoIndex, 0.2, 64);
    QVERIFY(wide.size() < all.size());
    for (const auto& b : wide) QVERIFY(b.x1 - b.x0 >= 0.2);
    const auto shallow = gui::icicle_layout(*doc, kNoIndex, 0.0, 2);
    for (const auto& b : shallow) QVERIFY(b.depth < 2);
    // Zoomed into the server: it is the full width.
    const auto zoomed = gui::icicle_layout(*doc, doc->latest().forest.find(16), 0.0, 64);
    QCOMPARE(zoomed.front().node, doc->latest().forest.find(16));
    QCOMPARE(zoomed.front().x1 - zoomed.front().x0, 1.0);
  }
};

QTEST_MAIN(ChartDataTest)
#include "chart_data_test.moc"
