// The context tree page: search and filter bar, the tree (ContextTreeModel behind
// ContextFilterProxy, ratio bars, stale rows highlighted), and the selection's stacks.
#pragma once

#include <QWidget>
#include <memory>
#include <unordered_set>

#include "document/document.hpp"
#include "models/context_filter_proxy.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTimer;
class QTreeView;

namespace ctxheap::gui {

class ContextTreeModel;
class StacksPanel;

class ContextPage : public QWidget {
  Q_OBJECT
 public:
  explicit ContextPage(QWidget* parent = nullptr);

  void set_document(const std::shared_ptr<const Document>& document);
  /// Selects a context, expanding its ancestors and clearing a filter that hides it.
  void select_context(analyzer::Index context);
  /// The selected context, kNoIndex if none.
  analyzer::Index current_context() const;
  void set_filter(const ContextFilter& filter);
  void focus_search();
  /// Copies the selected rows (tree or stacks, whichever has focus) to the clipboard.
  void copy_selection();

  QTreeView* tree_view() const noexcept { return tree_; }
  ContextTreeModel* model() const noexcept { return model_; }
  ContextFilterProxy* proxy() const noexcept { return proxy_; }
  StacksPanel* stacks() const noexcept { return stacks_; }
  QSplitter* splitter() const noexcept { return splitter_; }

  void save_layout() const;
  void restore_layout();
  void reset_layout();

 Q_SIGNALS:
  void contextSelected(qulonglong context);
  void statusMessage(const QString& message);

 private:
  void apply_filter();
  void update_count();
  void show_header_menu(const QPoint& pos);
  /// Expands again, after the filter reset the tree, the nodes that were expanded and are shown.
  void restore_expansion(const std::unordered_set<analyzer::Index>& nodes);

  std::shared_ptr<const Document> document_;
  QLineEdit* search_ = nullptr;
  QComboBox* state_ = nullptr;
  QCheckBox* stale_only_ = nullptr;
  QLabel* count_ = nullptr;
  QTimer* debounce_ = nullptr;
  QTreeView* tree_ = nullptr;
  ContextTreeModel* model_ = nullptr;
  ContextFilterProxy* proxy_ = nullptr;
  StacksPanel* stacks_ = nullptr;
  QSplitter* splitter_ = nullptr;
  // Nodes the user expanded, kept while a filter hides them, so that turning the filter
  // off shows the tree as it was.
  std::unordered_set<analyzer::Index> expanded_;
};

}  // namespace ctxheap::gui
