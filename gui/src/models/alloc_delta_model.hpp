// Diff: allocation stacks or functions that changed between the two inputs, in the
// analyzer's order (analyzer::diff_allocation_stacks: folded as every view folds them,
// by |Δ in-use bytes|). Goroutine profiles count goroutines: the figures are counts.
#pragma once

#include <memory>

#include "ctxheap/analyzer/alloc_stacks_diff.hpp"
#include "models/delta_table_model.hpp"

namespace ctxheap::gui {

class AllocDeltaModel : public DeltaTableModel {
  Q_OBJECT
 public:
  enum class Mode { Stacks, Functions };
  enum Column : int { Name, InuseBefore, InuseAfter, InuseDelta, ObjectsDelta, AllocDelta, ColumnCount };
  /// Rows shown at most: the largest changes, in the analyzer's order (a million changed
  /// stacks are not read row by row; the summary counts them all).
  static constexpr int kMaxRows = 10'000;
  explicit AllocDeltaModel(QObject* parent = nullptr);

  /// The rows of `diff` (of `document`'s two inputs) at `mode`; null: none.
  void set_diff(std::shared_ptr<const Document> document, std::shared_ptr<const analyzer::AllocationDiff> diff, Mode mode);
  const analyzer::AllocationDiff* alloc_diff() const noexcept { return diff_.get(); }
  Mode mode() const noexcept { return mode_; }
  /// Rows of the diff at the mode, shown or not.
  std::size_t total_rows() const noexcept;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 protected:
  int rows() const override;
  Cell cell(int row, int column) const override;

 private:
  std::shared_ptr<const analyzer::AllocationDiff> diff_;
  Mode mode_ = Mode::Stacks;
};

}  // namespace ctxheap::gui
