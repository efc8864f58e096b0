#include "views/charts_page.hpp"

#include <QSplitter>
#include <QVBoxLayout>

#include "charts/icicle_view.hpp"
#include "charts/series_chart.hpp"
#include "charts/top_parents_chart.hpp"
#include "settings/app_settings.hpp"

namespace ctxheap::gui {

ChartsPage::ChartsPage(QWidget* parent) : QWidget(parent) {
  top_parents_ = new TopParentsChart(this);
  series_ = new SeriesChart(this);
  icicle_ = new IcicleView(this);
  columns_ = new QSplitter(Qt::Horizontal);
  columns_->addWidget(top_parents_);
  columns_->addWidget(series_);
  rows_ = new QSplitter(Qt::Vertical, this);
  rows_->addWidget(columns_);
  rows_->addWidget(icicle_);
  rows_->setStretchFactor(0, 3);
  rows_->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(rows_);
  connect(top_parents_, &TopParentsChart::contextActivated, this, &ChartsPage::contextActivated);
  connect(icicle_, &IcicleView::contextSelected, this, &ChartsPage::contextActivated);
}

void ChartsPage::set_document(const std::shared_ptr<const Document>& document) {
  top_parents_->set_document(document);
  series_->set_document(document);
  icicle_->set_document(document);
}

void ChartsPage::set_loading(bool loading) {
  top_parents_->set_loading(loading);
  series_->set_loading(loading);
}

void ChartsPage::save_layout() const {
  AppSettings::set_layout(QStringLiteral("charts/rows"), rows_->saveState());
  AppSettings::set_layout(QStringLiteral("charts/columns"), columns_->saveState());
}

void ChartsPage::restore_layout() {
  if (const QByteArray s = AppSettings::layout(QStringLiteral("charts/rows")); !s.isEmpty()) rows_->restoreState(s);
  if (const QByteArray s = AppSettings::layout(QStringLiteral("charts/columns")); !s.isEmpty()) columns_->restoreState(s);
}

}  // namespace ctxheap::gui
