// Diff: stale groups fixed (green), new (red) and persisting, with the analyzer's
// sentence for each.
#pragma once

#include "models/delta_table_model.hpp"

namespace ctxheap::gui {

class GroupDeltaModel : public DeltaTableModel {
  Q_OBJECT
 public:
  enum Column : int { Change, EntriesBefore, EntriesAfter, RetainedBefore, RetainedAfter, Sentence, ColumnCount };
  explicit GroupDeltaModel(QObject* parent = nullptr);

 protected:
  int rows() const override;
  Cell cell(int row, int column) const override;
};

}  // namespace ctxheap::gui
