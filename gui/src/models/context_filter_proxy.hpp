// Filtering the context tree: text search (id, name, kind, creation site), state, and
// "stale only". A matching context is shown with its ancestors, so the tree keeps its
// shape. Which nodes are visible is decided for the whole forest in one linear pass when
// the filter changes; filterAcceptsRow() is then a lookup, and the tree model's lazy
// batches count only the rows it shows. Sorting is the source
// model's (it sorts lazily, per parent), so sort() is forwarded there.
#pragma once

#include <QSortFilterProxyModel>
#include <cstdint>
#include <memory>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::gui {

class ContextTreeModel;
class Document;

struct ContextFilter {
  enum class State : int { Any, Live, Ended, Cancelled, Expired };
  /// Case-insensitive; "#123" matches the context with id 123.
  QString text;
  State state = State::Any;
  bool stale_only = false;
  bool active() const noexcept { return !text.trimmed().isEmpty() || state != State::Any || stale_only; }
  bool operator==(const ContextFilter&) const = default;
};

/// Whether one context matches (its ancestors are shown by the proxy). Pure: used by the
/// proxy and by tests.
bool context_matches(const analyzer::Analysis& analysis, analyzer::Index context, const ContextFilter& filter);

class ContextFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit ContextFilterProxy(QObject* parent = nullptr);

  void set_tree(ContextTreeModel* tree);
  /// Hands the tree a new document together with this filter's visibility computed for it,
  /// in one model reset (the filter stays on across documents).
  void set_document(std::shared_ptr<const Document> document);
  ContextTreeModel* tree() const noexcept { return tree_; }
  void set_filter(const ContextFilter& filter);
  const ContextFilter& filter() const noexcept { return filter_; }
  /// Contexts that match the filter themselves (all contexts when it is off).
  std::uint64_t matches() const noexcept { return matches_; }
  /// Recomputes for the tree's current document.
  void refresh();

  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

 Q_SIGNALS:
  void filterChanged();

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  /// Per node: 0 hidden, 1 shown as an ancestor, 2 matches; null when the filter is off.
  std::shared_ptr<const std::vector<std::uint8_t>> compute(const Document* document);
  ContextTreeModel* tree_ = nullptr;
  ContextFilter filter_;
  std::uint64_t matches_ = 0;
};

}  // namespace ctxheap::gui
