// Charts: in use vs allocated for the top parents, in use over the series, and the
// icicle of the retention tree.
#pragma once

#include <QWidget>
#include <memory>

#include "document/document.hpp"

class QSplitter;

namespace ctxheap::gui {

class IcicleView;
class SeriesChart;
class TopParentsChart;

class ChartsPage : public QWidget {
  Q_OBJECT
 public:
  explicit ChartsPage(QWidget* parent = nullptr);
  void set_document(const std::shared_ptr<const Document>& document);
  /// A document is loading: charts with nothing to show say "Loading…".
  void set_loading(bool loading);
  TopParentsChart* top_parents() const noexcept { return top_parents_; }
  SeriesChart* series() const noexcept { return series_; }
  IcicleView* icicle() const noexcept { return icicle_; }
  void save_layout() const;
  void restore_layout();

 Q_SIGNALS:
  void contextActivated(qulonglong context);

 private:
  TopParentsChart* top_parents_ = nullptr;
  SeriesChart* series_ = nullptr;
  IcicleView* icicle_ = nullptr;
  QSplitter* rows_ = nullptr;
  QSplitter* columns_ = nullptr;
};

}  // namespace ctxheap::gui
