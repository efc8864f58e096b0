#include "charts/top_parents_chart.hpp"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QHorizontalBarSeries>
#include <QValueAxis>
#include <algorithm>

#include "charts/chart_theme.hpp"

namespace ctxheap::gui {

TopParentsChart::TopParentsChart(QWidget* parent) : QChartView(parent) {
  setRenderHint(QPainter::Antialiasing);
  setMinimumSize(320, 220);
  set_document(nullptr);
}

void TopParentsChart::set_loading(bool loading) {
  if (loading == loading_) return;
  loading_ = loading;
  if (!document_) set_document(nullptr);
}

void TopParentsChart::set_document(const std::shared_ptr<const Document>& document) {
  document_ = document;
  bars_ = document ? top_parent_bars(document->latest(), document->top_parents()) : std::vector<ParentBar>{};
  auto* chart = new QChart();
  apply_chart_theme(chart, palette());
  chart->setTitle(!document && loading_ ? tr("Loading…") : tr("In use vs allocated: top parents by subtree in use"));
  chart->setAnimationOptions(QChart::NoAnimation);
  std::uint64_t max = 1;
  for (const ParentBar& b : bars_) max = std::max({max, b.inuse_bytes, b.allocated_bytes});
  const auto [divisor, unit] = byte_unit(max);

  auto* inuse = new QBarSet(tr("In use"));
  auto* allocated = new QBarSet(tr("Allocated"));
  inuse->setColor(inuse_color());
  allocated->setColor(allocated_color());
  QStringList labels;
  // Horizontal bars stack bottom-up: add the smallest first so the largest is on top.
  for (auto it = bars_.rbegin(); it != bars_.rend(); ++it) {
    *inuse << static_cast<double>(it->inuse_bytes) / divisor;
    *allocated << static_cast<double>(it->allocated_bytes) / divisor;
    labels << (it->label.size() > 32 ? it->label.left(31) + QChar(0x2026) : it->label);
  }
  auto* series = new QHorizontalBarSeries();
  series->append(allocated);
  series->append(inuse);
  series->setBarWidth(0.8);
  chart->addSeries(series);
  auto* categories = new QBarCategoryAxis();
  categories->append(labels);
  categories->setLabelsVisible(!bars_.empty());
  chart->addAxis(categories, Qt::AlignLeft);
  series->attachAxis(categories);
  auto* values = new QValueAxis();
  values->setTitleText(unit);
  values->setLabelFormat(QStringLiteral("%.0f"));
  values->setRange(0, static_cast<double>(max) / divisor * 1.05);
  if (!bars_.empty()) values->applyNiceNumbers();
  values->setLabelsVisible(!bars_.empty());  // no "0 0 1 1 1 B" axis before a document arrives
  chart->addAxis(values, Qt::AlignBottom);
  series->attachAxis(values);
  chart->legend()->setAlignment(Qt::AlignBottom);
  connect(series, &QHorizontalBarSeries::clicked, this, [this](int index, QBarSet*) {
    const std::size_t k = bars_.size() - 1 - static_cast<std::size_t>(index);
    if (k < bars_.size()) Q_EMIT contextActivated(static_cast<qulonglong>(bars_[k].context));
  });
  QChart* old = this->chart();
  setChart(chart);
  delete old;
}

}  // namespace ctxheap::gui
