// A read-only view of a source file opened at a line (double-click on a stack frame),
// with a button to open it in the desktop's editor.
#pragma once

#include <QDialog>

class QPlainTextEdit;

namespace ctxheap::gui {

class SourceViewer : public QDialog {
  Q_OBJECT
 public:
  /// Shows `path` at `line` (1-based; 0 = top). Returns false when the file cannot be read.
  static bool open(QWidget* parent, const QString& path, int line);
  int current_line() const;

 private:
  SourceViewer(QWidget* parent, const QString& path, const QString& text, int line);
  QPlainTextEdit* text_ = nullptr;
};

}  // namespace ctxheap::gui
