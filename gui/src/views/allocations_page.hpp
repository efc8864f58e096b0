// The Allocations tab: where the heap was allocated, for every input kind (a gperftools
// dump or a Go profile as much as a ctxheap snapshot). Three views of the analyzer's
// allocation stacks (analyzer::AllocationStacks): Top-down (callers above callees, from
// main), Bottom-up (the allocating function first, its callers below) and Caller/Callee
// (every function; the selected one's callers and callees) and a Flame graph (the top-down
// tree as boxes as wide as their bytes, charts/flame_view.hpp). A search box keeps the stacks
// through a function whose name contains the text (the flame graph highlights them instead), In use / Allocated chooses the figure
// that ranks, All frames shows the frames folded away by default. The page only wires
// widgets: every number and every filter is the analyzer's, asked on a worker thread
// (loading/alloc_query.hpp) while a busy bar shows; the newest answer is swapped into the
// models when it arrives and older ones are dropped, so the UI thread never waits on a
// million stacks.
#pragma once

#include <QFuture>
#include <QWidget>
#include <memory>
#include <string>

#include "document/document.hpp"
#include "loading/alloc_query.hpp"
#include "models/alloc_tree_model.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTimer;
class QTreeView;

namespace ctxheap::gui {

class FlameView;

class AllocationsPage : public QWidget {
  Q_OBJECT
 public:
  enum class View : int { TopDown, BottomUp, CallerCallee, FlameGraph };

  explicit AllocationsPage(QWidget* parent = nullptr);

  void set_document(const std::shared_ptr<const Document>& document);
  void set_view(View view);
  View view() const noexcept { return view_; }
  /// Applies a search at once (the box waits for typing to pause).
  void set_search(const QString& text);
  void set_measure(analyzer::AllocMeasure measure);
  void set_all_frames(bool all);

  /// Whether an answer the page asked for has not arrived yet (the busy bar shows).
  bool busy() const noexcept { return pending_ || edges_pending_; }
  /// Waits for the answers asked for and shows them now (tests, screenshots).
  void settle();

  AllocTreeModel* tree_model() const noexcept { return tree_model_; }
  AllocTreeModel* functions_model() const noexcept { return functions_model_; }
  AllocTreeModel* callers_model() const noexcept { return callers_model_; }
  AllocTreeModel* callees_model() const noexcept { return callees_model_; }
  QTreeView* tree_view() const noexcept { return tree_; }
  QTreeView* functions_view() const noexcept { return functions_; }
  QLineEdit* search_box() const noexcept { return search_; }
  QLabel* summary_label() const noexcept { return summary_; }
  QProgressBar* busy_bar() const noexcept { return busy_bar_; }
  FlameView* flame_view() const noexcept { return flame_; }
  QPushButton* flame_reset_button() const noexcept { return flame_reset_; }

 Q_SIGNALS:
  /// The answer to the latest change arrived and the models show it.
  void answered();

 private:
  void rebuild();           ///< after a document, frames or search change: clear, then ask
  void refresh_models();    ///< ask the worker for the rows of the current state
  void apply(std::uint64_t generation, AllocAnswer answer);  ///< swap an answer into the models
  void show_function(const QModelIndex& index);  ///< caller/callee of the selected function
  void apply_edges(std::uint64_t generation, analyzer::CallerCallee edges);
  void update_busy();
  void update_summary();

  std::shared_ptr<const Document> document_;
  std::shared_ptr<const analyzer::AllocationStacks> stacks_;  ///< after the search
  View view_ = View::TopDown;
  analyzer::AllocMeasure measure_ = analyzer::AllocMeasure::InUse;
  analyzer::FrameDetail detail_ = analyzer::FrameDetail::Folded;
  QString search_text_;
  /// Which source and needle stacks_ was filtered from, so a view or measure change
  /// reuses it instead of filtering again.
  std::shared_ptr<const analyzer::AllocationStacks> stacks_source_;
  std::string stacks_needle_;
  std::shared_ptr<const analyzer::AllocationStacks> asked_source_;  ///< of the latest question
  std::string asked_needle_;
  std::uint64_t generation_ = 0, edges_generation_ = 0;  ///< of the latest questions asked
  bool pending_ = false, edges_pending_ = false;
  QFuture<AllocAnswer> future_;
  QFuture<analyzer::CallerCallee> edges_future_;

  QComboBox* view_box_ = nullptr;
  QLineEdit* search_ = nullptr;
  QTimer* search_timer_ = nullptr;
  QComboBox* measure_box_ = nullptr;
  QCheckBox* all_frames_ = nullptr;
  QLabel* summary_ = nullptr;
  QProgressBar* busy_bar_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  QTreeView* tree_ = nullptr;
  QTreeView* functions_ = nullptr;
  QTreeView* callers_ = nullptr;
  QTreeView* callees_ = nullptr;
  QLabel* focus_label_ = nullptr;
  FlameView* flame_ = nullptr;
  QPushButton* flame_reset_ = nullptr;
  AllocTreeModel* tree_model_ = nullptr;
  AllocTreeModel* functions_model_ = nullptr;
  AllocTreeModel* callers_model_ = nullptr;
  AllocTreeModel* callees_model_ = nullptr;
};

}  // namespace ctxheap::gui
