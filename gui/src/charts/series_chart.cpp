#include "charts/series_chart.hpp"

#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>

#include "charts/chart_data.hpp"
#include "charts/chart_theme.hpp"

namespace ctxheap::gui {

SeriesChart::SeriesChart(QWidget* parent) : QChartView(parent) {
  setRenderHint(QPainter::Antialiasing);
  setMinimumSize(320, 220);
  set_document(nullptr);
}

int SeriesChart::line_count() const { return static_cast<int>(chart()->series().size()); }

void SeriesChart::set_document(const std::shared_ptr<const Document>& document) {
  auto* chart = new QChart();
  apply_chart_theme(chart, palette());
  chart->setAnimationOptions(QChart::NoAnimation);
  std::vector<SeriesPoint> points;
  std::vector<ParentLine> parents;
  if (document) {
    points = series_points(document->series());
    parents = parent_lines(document->series(), kParentLines);
  }
  chart->setTitle(points.size() > 1 ? tr("In use over %1 snapshots").arg(points.size())
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
    add_line(tr("Heap in use"), QColor(100, 149, 237), heap, 7, Qt::SolidLine);
    add_line(tr("Retained by stale entries"), QColor(229, 72, 77), stale, 3.5, Qt::SolidLine);
    for (const ParentLine& l : parents) add_line(tr("%1 subtree").arg(l.label), QColor(), l.points, 1.5, Qt::DashLine);
  }
  auto* x = new QValueAxis();
  const bool timed = points.size() > 1 && document->series().snapshots.front().profile->meta.monotonic_time_ns != 0;
  x->setTitleText(timed ? tr("seconds since the first snapshot") : tr("snapshot"));
  x->setRange(0, std::max(max_x, 1e-3));
  x->setLabelFormat(QStringLiteral("%.2f"));
  auto* y = new QValueAxis();
  y->setTitleText(unit);
  y->setRange(0, static_cast<double>(max) / divisor * 1.1);
  y->setLabelFormat(QStringLiteral("%.0f"));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
  chart->legend()->setAlignment(Qt::AlignBottom);
  QChart* old = this->chart();
  setChart(chart);
  delete old;
}

}  // namespace ctxheap::gui
