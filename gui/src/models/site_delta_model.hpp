// Diff: creation sites on either side, by |Δ in-use bytes| (the analyzer's order).
#pragma once

#include "models/delta_table_model.hpp"

namespace ctxheap::gui {

class SiteDeltaModel : public DeltaTableModel {
  Q_OBJECT
 public:
  enum Column : int { Site, ContextsBefore, ContextsAfter, ContextsDelta, InuseBefore, InuseAfter, InuseDelta,
                      StaleBefore, StaleAfter, StaleDelta, RetainedDelta, ColumnCount };
  explicit SiteDeltaModel(QObject* parent = nullptr);

 protected:
  int rows() const override;
  Cell cell(int row, int column) const override;
};

}  // namespace ctxheap::gui
