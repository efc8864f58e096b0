// The context tree: a QAbstractItemModel over the analyzer's retention forest of the
// document's latest snapshot. Node i of the forest is the item whose internal id is i; the
// model holds no copy of the data, only the row order and how many rows of each parent it
// has exposed so far.
//
// Lazy population: a parent first shows `batch_size` children and fetchMore() adds the
// next batch (the view asks when it scrolls to the end), so a parent holding a million
// children opens instantly. While a filter is on, a batch counts the children the filter
// shows, so filtered views stay lazy too. Sorting happens here, not in the proxy: the default order
// (largest retained first) comes precomputed with the document; another column sorts one
// parent's children when that parent is first shown.
#pragma once

#include <QAbstractItemModel>
#include <QIcon>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "document/document.hpp"
#include "models/roles.hpp"

namespace ctxheap::gui {

class ContextTreeModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column : int {
    Name, Kind, Site, State, Children, SelfInuse, SelfObjects, SubtreeInuse, SubtreeObjects, Allocated, Ratio,
    Retained, Age, ColumnCount
  };
  static constexpr int kDefaultBatch = 1000;

  explicit ContextTreeModel(QObject* parent = nullptr);

  /// Which nodes a filter shows, indexed by node (a vector of the document's forest size).
  using Visibility = std::vector<std::uint8_t>;

  /// Swaps the document and, in the same model reset, the filter's visibility computed for
  /// it (null: every node shown), so no row is ever looked up in a visibility made for
  /// another document. A visibility of the wrong size is ignored.
  void set_document(std::shared_ptr<const Document> document, std::shared_ptr<const Visibility> visible = {});
  const Document* document() const noexcept { return document_.get(); }
  const std::shared_ptr<const Document>& shared_document() const noexcept { return document_; }
  /// The forest node of an index of this model (kNoIndex for the invisible root).
  analyzer::Index node(const QModelIndex& index) const noexcept;
  /// The index of a node, fetching rows of its ancestors as needed so it exists.
  QModelIndex index_of(analyzer::Index node, int column = 0);
  /// The children of a node (roots for kNoIndex) in the current sort order, all of them.
  std::span<const analyzer::Index> ordered_children(analyzer::Index parent) const;

  void set_batch_size(int rows) { batch_ = rows < 1 ? 1 : rows; }
  /// Which nodes a filter shows (null: every node) for the current document. Batches then
  /// count visible children only. Resets the model.
  void set_visibility(std::shared_ptr<const Visibility> visible);
  /// Whether the filter shows a node (always, with no filter).
  bool shown(analyzer::Index node) const noexcept;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  bool hasChildren(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;
  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
  int sort_column() const noexcept { return sort_column_; }
  Qt::SortOrder sort_order() const noexcept { return sort_order_; }

 private:
  const analyzer::Analysis& analysis() const { return document_->latest(); }
  bool default_order() const noexcept { return sort_column_ == Retained && sort_order_ == Qt::DescendingOrder; }
  std::uint32_t total_children(analyzer::Index parent) const noexcept;
  std::uint32_t exposed(analyzer::Index parent) const;
  /// Rows to expose for `count` more counted (visible) children after the first `have`.
  std::uint32_t extend(analyzer::Index parent, std::uint32_t have, std::uint32_t count) const;
  std::uint32_t row_of(analyzer::Index node) const;
  const std::vector<analyzer::Index>& sorted_children(analyzer::Index parent) const;
  FindingMark finding(analyzer::Index node) const noexcept;
  QString tooltip(analyzer::Index node, int column) const;
  QVariant sort_value(analyzer::Index node, int column) const;

  std::shared_ptr<const Document> document_;
  int batch_ = kDefaultBatch;
  std::shared_ptr<const Visibility> visible_;
  // parent -> rows exposed, once fetched beyond the first batch (or, with a filter, once shown)
  mutable std::unordered_map<analyzer::Index, std::uint32_t> fetched_;
  int sort_column_ = Retained;
  Qt::SortOrder sort_order_ = Qt::DescendingOrder;
  // Children of the parents shown so far, in a non-default order, and each one's row.
  mutable std::unordered_map<analyzer::Index, std::vector<analyzer::Index>> sorted_;
  mutable std::vector<std::uint32_t> sorted_row_;
  std::unordered_map<analyzer::Index, analyzer::Index> retained_after_cancel_;  // context -> finding
  std::unordered_map<analyzer::Index, analyzer::Index> in_flight_;              // context -> finding
  QIcon stale_icon_, retained_icon_, in_flight_icon_;
};

}  // namespace ctxheap::gui
