// The Allocations tab's rows: a top-down or bottom-up tree of allocation stacks, or a flat
// list (every function, or one function's callers or callees), all answered by
// analyzer::AllocationStacks. The model only formats: rows arrive ranked from the
// analyzer, and children are pulled lazily (canFetchMore/fetchMore) a batch at a time,
// so a profile of a million stacks shows its first rows at once.
#pragma once

#include <QAbstractItemModel>
#include <memory>
#include <optional>
#include <vector>

#include "ctxheap/analyzer/alloc_stacks.hpp"

namespace ctxheap::gui {

class AllocTreeModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum class Mode { TopDown, BottomUp, Functions, Callers, Callees };
  enum Column : int { FunctionColumn, TotalColumn, SelfColumn, ObjectsColumn, ColumnCount };
  /// Rows inserted per fetchMore.
  static constexpr int kBatch = 256;

  explicit AllocTreeModel(QObject* parent = nullptr);

  /// Shows `stacks` (null: nothing) in `mode`, ranked by `measure`; `focus` is the
  /// function of Callers and Callees (ignored otherwise). Resets the model.
  void set_source(std::shared_ptr<const analyzer::AllocationStacks> stacks, Mode mode, analyzer::AllocMeasure measure,
                  analyzer::FunctionId focus = 0);
  /// The same with the top-level rows already answered (on a worker thread, as the
  /// Allocations tab does): `rows` must be what set_source would ask `stacks` for.
  void set_rows(std::shared_ptr<const analyzer::AllocationStacks> stacks, Mode mode, analyzer::AllocMeasure measure,
                std::vector<analyzer::AllocNode> rows, analyzer::FunctionId focus = 0);
  analyzer::FunctionId focus() const noexcept { return focus_; }
  Mode mode() const noexcept { return mode_; }
  analyzer::AllocMeasure measure() const noexcept { return measure_; }
  const std::shared_ptr<const analyzer::AllocationStacks>& stacks() const noexcept { return stacks_; }
  /// The function of a row; nullopt for an invalid index.
  std::optional<analyzer::FunctionId> function_at(const QModelIndex& index) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  bool hasChildren(const QModelIndex& parent = {}) const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  /// Both setters: `rows` are the root's children when already known (else asked for lazily).
  void reset(std::shared_ptr<const analyzer::AllocationStacks> stacks, Mode mode, analyzer::AllocMeasure measure,
             analyzer::FunctionId focus, std::optional<std::vector<analyzer::AllocNode>> rows);

  struct Item {
    analyzer::AllocNode node{};
    std::size_t parent = 0;
    int row = 0;
    bool computed = false;                  ///< `pending` holds every child
    std::vector<analyzer::AllocNode> pending;  ///< children from the analyzer, ranked
    std::vector<std::size_t> kids;          ///< the rows inserted so far (items_)
  };
  std::size_t item_of(const QModelIndex& index) const;
  void compute(std::size_t item);

  std::shared_ptr<const analyzer::AllocationStacks> stacks_;
  Mode mode_ = Mode::TopDown;
  analyzer::AllocMeasure measure_ = analyzer::AllocMeasure::InUse;
  analyzer::FunctionId focus_ = 0;
  std::vector<Item> items_;  ///< items_[0] is the invisible root
  /// A reset or an insertion is being announced: no fetch until it is done, so nothing
  /// listening to the announcement (a view, QAbstractItemModelTester) nests a change in it.
  bool announcing_ = false;
};

}  // namespace ctxheap::gui
