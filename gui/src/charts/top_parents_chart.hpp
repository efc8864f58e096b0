// In use vs allocated for the top parents (horizontal bars, largest on top). Clicking a
// bar selects that context.
#pragma once

#include <QChartView>
#include <memory>
#include <vector>

#include "charts/chart_data.hpp"
#include "document/document.hpp"

namespace ctxheap::gui {

class TopParentsChart : public QChartView {
  Q_OBJECT
 public:
  explicit TopParentsChart(QWidget* parent = nullptr);
  void set_document(const std::shared_ptr<const Document>& document);
  const std::vector<ParentBar>& bars() const noexcept { return bars_; }
  /// While a document loads and none is shown, the chart says so instead of an empty axis.
  void set_loading(bool loading);

 Q_SIGNALS:
  void contextActivated(qulonglong context);

 private:
  std::vector<ParentBar> bars_;
  std::shared_ptr<const Document> document_;
  bool loading_ = false;
};

}  // namespace ctxheap::gui
