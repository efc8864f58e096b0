// Chart themes follow the application palette (light or dark).
#pragma once

#include <QChart>
#include <QPalette>

namespace ctxheap::gui {

inline bool palette_is_dark(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

inline void apply_chart_theme(QChart* chart, const QPalette& palette) {
  chart->setTheme(palette_is_dark(palette) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
  chart->setBackgroundBrush(palette.color(QPalette::Base));
  chart->setTitleBrush(palette.color(QPalette::Text));
  chart->legend()->setLabelColor(palette.color(QPalette::Text));
}

}  // namespace ctxheap::gui
