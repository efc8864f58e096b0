// The Diff tab's allocation-stack deltas: the analyzer's diff of the two inputs' folded
// allocation stacks (analyzer::diff_allocation_stacks), as a list of changed stacks or of
// changed functions, with a search (the analyzer's filtered() on both sides) and the All
// frames switch of the Allocations tab. The panel only wires widgets and asks the analyzer.
#pragma once

#include <QWidget>
#include <memory>

#include "ctxheap/analyzer/alloc_stacks_diff.hpp"
#include "document/document.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
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

  AllocDeltaModel* model() const noexcept { return model_; }
  QTableView* view() const noexcept { return view_; }
  QLabel* summary_label() const noexcept { return summary_; }
  QLineEdit* search_box() const noexcept { return search_; }

 private:
  void rebuild();   ///< both sides' stacks at the detail, then refresh()
  void refresh();   ///< the analyzer's diff for the search, then the model

  std::shared_ptr<const Document> document_;
  std::shared_ptr<const analyzer::AllocationStacks> before_, after_;
  analyzer::FrameDetail detail_ = analyzer::FrameDetail::Folded;
  bool functions_ = false;
  QString search_text_;

  QLineEdit* search_ = nullptr;
  QTimer* search_timer_ = nullptr;
  QComboBox* rows_box_ = nullptr;
  QCheckBox* all_frames_ = nullptr;
  QLabel* summary_ = nullptr;
  QTableView* view_ = nullptr;
  AllocDeltaModel* model_ = nullptr;
};

}  // namespace ctxheap::gui
