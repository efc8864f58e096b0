// Diff: parents (contexts holding registered children on either side), by |Δ subtree in
// use| (the analyzer's order).
#pragma once

#include "models/delta_table_model.hpp"

namespace ctxheap::gui {

class ParentDeltaModel : public DeltaTableModel {
  Q_OBJECT
 public:
  enum Column : int { Parent, ChildrenBefore, ChildrenAfter, ChildrenDelta, StaleBefore, StaleAfter, StaleDelta,
                      InuseBefore, InuseAfter, InuseDelta, ColumnCount };
  explicit ParentDeltaModel(QObject* parent = nullptr);

 protected:
  int rows() const override;
  Cell cell(int row, int column) const override;
};

}  // namespace ctxheap::gui
