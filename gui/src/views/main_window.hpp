// The main window: Summary, Contexts (tree + stacks), Allocations, Charts and Diff tabs over one
// Document; opening (menu, drag and drop, command line, recent files) through the
// LoadController with a progress bar and Cancel in the status bar; export; a layout that
// remembers itself.
#pragma once

#include <QMainWindow>
#include <QPointer>
#include <memory>

#include "document/document.hpp"
#include "export/report_export.hpp"

class QAction;
class QLabel;
class QMenu;
#include <QMessageBox>
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace ctxheap::gui {

class AllocationsPage;
class ChartsPage;
class ContextPage;
class DiffPage;
class LoadController;
class SummaryPage;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum class Tab : int { Summary, Contexts, Allocations, Charts, Diff };

  /// `persistent`: restore and save the layout and remember recent files (off for
  /// --screenshot, so a picture never depends on, or changes, the user's settings).
  explicit MainWindow(QWidget* parent = nullptr, bool persistent = true);
  ~MainWindow() override;

  void open(const LoadRequest& request);
  void show_tab(Tab tab);
  Tab current_tab() const;
  const std::shared_ptr<const Document>& document() const noexcept { return document_; }

  LoadController* loader() const noexcept { return loader_; }
  SummaryPage* summary_page() const noexcept { return summary_; }
  ContextPage* context_page() const noexcept { return contexts_; }
  AllocationsPage* allocations_page() const noexcept { return allocations_; }
  ChartsPage* charts_page() const noexcept { return charts_; }
  DiffPage* diff_page() const noexcept { return diff_; }
  /// The dialog showing the last load error, while it is open.
  QMessageBox* error_dialog() const { return error_dialog_; }

 Q_SIGNALS:
  void documentChanged();
  void loadFailed(const QString& reason);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  // main_window.cpp
  void set_document(std::shared_ptr<const Document> document);
  /// Hands `document` (or none) to every page.
  void set_pages(const std::shared_ptr<const Document>& document);
  void on_failed(const QString& reason);
  void on_busy(bool busy);
  void select_context(analyzer::Index context);
  void save_layout() const;
  void restore_layout();
  // main_window_actions.cpp
  void create_actions();
  void update_actions();
  void rebuild_recent_menu();
  void open_dialog();
  void compare_dialog();
  void export_dialog(ExportSubject subject);
  void copy_selection();
  void reset_layout();
  void show_shortcuts();
  void show_about();

  std::shared_ptr<const Document> document_;
  LoadController* loader_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  SummaryPage* summary_ = nullptr;
  ContextPage* contexts_ = nullptr;
  AllocationsPage* allocations_ = nullptr;
  ChartsPage* charts_ = nullptr;
  DiffPage* diff_ = nullptr;
  QLabel* status_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QAction* compare_action_ = nullptr;
  QAction* reload_action_ = nullptr;
  QAction* export_action_ = nullptr;
  QAction* export_diff_action_ = nullptr;
  QAction* stale_only_action_ = nullptr;
  QAction* rank_by_count_action_ = nullptr;
  QPointer<QMessageBox> error_dialog_;
  bool persistent_ = true;
};

}  // namespace ctxheap::gui
