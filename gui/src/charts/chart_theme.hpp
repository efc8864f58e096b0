// Chart themes follow the application palette (light or dark).
#pragma once

#include <QChart>
#include <QColor>
#include <QPalette>

namespace ctxheap::gui {

inline bool palette_is_dark(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

/// One meaning per colour in every chart: red is stale (as in the tree, the icicle and the
/// reports), blue is in use, grey-blue is allocated.
inline QColor stale_color() { return QColor(229, 72, 77); }
inline QColor inuse_color() { return QColor(38, 110, 190); }
inline QColor allocated_color() { return QColor(160, 188, 222); }

inline void apply_chart_theme(QChart* chart, const QPalette& palette) {
  chart->setTheme(palette_is_dark(palette) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
  chart->setBackgroundBrush(palette.color(QPalette::Base));
  chart->setTitleBrush(palette.color(QPalette::Text));
  chart->legend()->setLabelColor(palette.color(QPalette::Text));
}

}  // namespace ctxheap::gui
