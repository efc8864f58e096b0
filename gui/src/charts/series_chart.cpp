#include "charts/series_chart.hpp"

#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <iterator>

#include "charts/chart_data.hpp"
#include "charts/chart_theme.hpp"

namespace ctxheap::gui {

SeriesChart::SeriesChart(QWidget* parent) : QChartView(parent) {
  setRenderHint(QPainter::Antialiasing);
  setMinimumSize(320, 220);
  set_document(nullptr);
}

int SeriesChart::line_count() const { return static_cast<int>(chart()->series().size()); }

void SeriesChart::set_loading(bool loading) {
  if (loading == loading_) return;
  loading_ = loading;
  if (!document_) set_document(nullptr);
}

void SeriesChart::set_document(const std::shared_ptr<const Document>& document) {
  document_ = document;
  auto* chart = new QChart();
  apply_chart_theme(chart, palette());
  chart->setAnimationOptions(QChart::NoAnimation);
  std::vector<SeriesPoint> points;
  std::vector<ParentLine> parents;
  if (document) {
    points = series_points(document->series());
    parents = parent_lines(document->series(), kParentLines);
  }
  chart->setTitle(!document && loading_ ? tr("Loading…")
                  : points.size() > 1    ? tr("In use over %1 snapshots").arg(points.size())
                                         : tr("In use over a series (open two or more snapshots of one run)"));
  std::uint64_t max = 1;
  double max_x = 0;
  for (const SeriesPoint& p : points) {
    max = std::max(max, p.heap_inuse_bytes);
    max_x = std::max(max_x, p.seconds);
  }
  const auto [divisor, unit] = byte_unit(max);
  const auto add_line = [&](const QString& name, const QColor& color, const std::vector<std::pair<double, std::uint64_t>>& xy,
                            qreal width, Qt::PenStyle style) {
    auto* line = new QLineSeries();
    line->setName(name);
    QPen pen = line->pen();
    if (color.isValid()) pen.setColor(color);
    pen.setWidthF(width);
    pen.setStyle(style);
    line->setPen(pen);
    line->setPointsVisible(true);
    for (const auto& [x, y] : xy) line->append(x, static_cast<double>(y) / divisor);
    chart->addSeries(line);
  };
  std::vector<std::pair<double, std::uint64_t>> heap, stale;
  for (const SeriesPoint& p : points) {
    heap.emplace_back(p.seconds, p.heap_inuse_bytes);
    stale.emplace_back(p.seconds, p.stale_retained_bytes);
  }
  if (!points.empty()) {
    // Wide to narrow, so lines that coincide (a leak that is the whole heap) all stay visible.
    add_line(tr("Heap in use"), inuse_color(), heap, 7, Qt::SolidLine);
    add_line(tr("Retained by stale entries"), stale_color(), stale, 3.5, Qt::SolidLine);
    // Parents' lines often coincide with the stale line (the leak is the parent's whole
    // subtree): dotted and in colours of their own, they stay visible on top of it.
    static const QColor kParentColors[] = {QColor(46, 160, 67), QColor(150, 80, 200), QColor(230, 140, 20), QColor(20, 150, 160)};
    std::size_t k = 0;
    for (const ParentLine& l : parents)
      add_line(tr("%1 subtree").arg(l.label), kParentColors[k++ % std::size(kParentColors)], l.points, 2, Qt::DotLine);
  }
  auto* x = new QValueAxis();
  const bool timed = points.size() > 1 && document->series().snapshots.front().profile->meta.monotonic_time_ns != 0;
  x->setTitleText(timed ? tr("seconds since the first snapshot") : tr("snapshot"));
  // One snapshot (or none) has no time axis: no row of identical "0.00" labels.
  const bool series = points.size() > 1;
  x->setRange(0, series ? std::max(max_x, 1e-3) : 1.0);
  x->setLabelFormat(max_x >= 10 ? QStringLiteral("%.0f") : QStringLiteral("%.2f"));
  x->setLabelsVisible(series);
  if (!series) x->setTickCount(2);
  auto* y = new QValueAxis();
  y->setTitleText(points.empty() ? QString() : unit);
  y->setRange(0, static_cast<double>(max) / divisor * 1.1);
  if (!points.empty()) y->applyNiceNumbers();
  y->setLabelFormat(QStringLiteral("%g"));
  y->setLabelsVisible(!points.empty());  // no "0 0 1 1 1 B" while loading
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
  chart->legend()->setAlignment(Qt::AlignBottom);
  // A legend entry hides or shows its line (one on top of another can be looked under);
  // a hidden line's entry is dimmed.
  for (QLegendMarker* marker : chart->legend()->markers()) {
    connect(marker, &QLegendMarker::clicked, this, [marker] {
      QAbstractSeries* line = marker->series();
      line->setVisible(!line->isVisible());
      marker->setVisible(true);  // hiding a series hides its marker too
      QColor label = marker->labelBrush().color();
      label.setAlphaF(line->isVisible() ? 1.0 : 0.4);
      marker->setLabelBrush(label);
    });
  }
  QChart* old = this->chart();
  setChart(chart);
  delete old;
}

}  // namespace ctxheap::gui
