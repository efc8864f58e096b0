// The Diff tab's allocation-stack deltas: the analyzer's diff of the two inputs' folded
// allocation stacks (analyzer::diff_allocation_stacks), as a list of changed stacks or of
// changed functions, with a search (the analyzer's filtered() on both sides) and the All
// frames switch of the Allocations tab. The panel only wires widgets and asks the analyzer,
// on a worker thread (loading/alloc_diff_query.hpp) while a busy bar shows: the newest
// answer is swapped into the model when it arrives and older ones are dropped, so the UI
// thread never builds a million stacks.
#pragma once

#include <QFuture>
#include <QWidget>
#include <cstdint>
#include <memory>

#include "ctxheap/analyzer/alloc_stacks_diff.hpp"
#include "document/document.hpp"
#include "loading/alloc_diff_query.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QTableView;
class QTimer;

namespace ctxheap::gui {

class AllocDeltaModel;

class AllocDiffPanel : public QWidget {
  Q_OBJECT
 public:
  explicit AllocDiffPanel(QWidget* parent = nullptr);

  void set_document(const std::shared_ptr<const Document>& document);
  /// Applies a search at once (the box waits for typing to pause).
  void set_search(const QString& text);
  void set_all_frames(bool all);
  void set_functions(bool functions);  ///< list functions instead of stacks

  /// Whether the answer asked for has not arrived yet (the busy bar shows).
  bool busy() const noexcept { return pending_; }
  /// Waits for the answer asked for and shows it now (tests, screenshots).
  void settle();

  AllocDeltaModel* model() const noexcept { return model_; }
  QTableView* view() const noexcept { return view_; }
  QLabel* summary_label() const noexcept { return summary_; }
  QLineEdit* search_box() const noexcept { return search_; }

 Q_SIGNALS:
  /// The answer to the latest change arrived and the table shows it.
  void answered();

 private:
  void rebuild();   ///< forget both sides' stacks (document or detail changed), then refresh()
  void refresh();   ///< ask the worker for the analyzer's diff of the current state
  void apply(std::uint64_t generation, AllocDiffAnswer answer);
  void update_summary();

  std::shared_ptr<const Document> document_;
  /// Both sides' stacks at detail_ for document_, once an answer built them.
  std::shared_ptr<const analyzer::AllocationStacks> before_, after_;
  std::shared_ptr<const analyzer::AllocationDiff> diff_;  ///< shown
  QString shown_search_;                                   ///< the search diff_ answers
  std::uint64_t generation_ = 0;                           ///< of the latest question
  bool pending_ = false;
  QFuture<AllocDiffAnswer> future_;
  analyzer::FrameDetail detail_ = analyzer::FrameDetail::Folded;
  bool functions_ = false;
  QString search_text_;

  QLineEdit* search_ = nullptr;
  QTimer* search_timer_ = nullptr;
  QComboBox* rows_box_ = nullptr;
  QCheckBox* all_frames_ = nullptr;
  QLabel* summary_ = nullptr;
  QProgressBar* busy_bar_ = nullptr;
  QTableView* view_ = nullptr;
  AllocDeltaModel* model_ = nullptr;
};

}  // namespace ctxheap::gui
