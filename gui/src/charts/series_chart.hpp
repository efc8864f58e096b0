// In use over a snapshot series: the heap, the bytes stale entries retain, and the
// parents the analyzer followed across the series. Lines that coincide stay apart by
// width, colour and dash; clicking a legend entry hides or shows its line.
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
  /// While a document loads and none is shown, the chart says so instead of an empty axis.
  void set_loading(bool loading);
  /// Number of line series drawn (tests).
  int line_count() const;

 private:
  std::shared_ptr<const Document> document_;
  bool loading_ = false;
};

}  // namespace ctxheap::gui
