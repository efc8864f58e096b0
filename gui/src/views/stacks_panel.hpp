// The stacks of the selected context (StackModel). Double-clicking a frame opens its
// file at the line when the file exists on this machine.
#pragma once

#include <QWidget>
#include <memory>

#include "document/document.hpp"

class QCheckBox;
class QLabel;
class QTreeView;

namespace ctxheap::gui {

class StackModel;

class StacksPanel : public QWidget {
  Q_OBJECT
 public:
  explicit StacksPanel(QWidget* parent = nullptr);
  void set_context(const std::shared_ptr<const Document>& document, analyzer::Index context);
  QTreeView* view() const noexcept { return view_; }
  StackModel* model() const noexcept { return model_; }
  /// Opens the frame's file at its line; false (and a statusMessage) if it does not exist.
  bool open_frame(const QModelIndex& index);

 Q_SIGNALS:
  void statusMessage(const QString& message);

 private:
  QLabel* title_ = nullptr;
  QCheckBox* all_frames_ = nullptr;
  QTreeView* view_ = nullptr;
  StackModel* model_ = nullptr;
};

}  // namespace ctxheap::gui
