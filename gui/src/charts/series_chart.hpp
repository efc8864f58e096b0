// In use over a snapshot series: the heap, the bytes stale entries retain, and the
// parents the analyzer followed across the series.
#pragma once

#include <QChartView>
#include <memory>

#include "document/document.hpp"

namespace ctxheap::gui {

class SeriesChart : public QChartView {
  Q_OBJECT
 public:
  static constexpr std::size_t kParentLines = 3;
  explicit SeriesChart(QWidget* parent = nullptr);
  void set_document(const std::shared_ptr<const Document>& document);
  /// Number of line series drawn (tests).
  int line_count() const;
};

}  // namespace ctxheap::gui
