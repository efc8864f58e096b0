// MainWindow's menus, shortcuts and the dialogs they open.
#include <QAction>
#include <algorithm>
#include <functional>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

#include "loading/load_controller.hpp"
#include "settings/app_settings.hpp"
#include "views/context_page.hpp"
#include "views/diff_page.hpp"
#include "views/main_window.hpp"

namespace ctxheap::gui {

namespace {

QString snapshot_filter() { return QObject::tr("Heap snapshots (*.ctxheap *.heap *.pb.gz *.pprof);;All files (*)"); }

QAction* add(QMenu* menu, const QString& text, const QKeySequence& keys, QObject* receiver, std::function<void()> slot) {
  QAction* action = menu->addAction(text);
  if (!keys.isEmpty()) action->setShortcut(keys);
  QObject::connect(action, &QAction::triggered, receiver, std::move(slot));
  return action;
}

}  // namespace

void MainWindow::create_actions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  add(file, tr("&Open…"), QKeySequence::Open, this, [this] { open_dialog(); })
      ->setStatusTip(tr("Open a snapshot, a series of one run, or two runs to compare"));
  compare_action_ = add(file, tr("&Compare With…"), QKeySequence(tr("Ctrl+Shift+O")), this, [this] { compare_dialog(); });
  compare_action_->setStatusTip(tr("Diff the open snapshot against another run's (e.g. after a fix)"));
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  reload_action_ = add(file, tr("Re&load"), QKeySequence::Refresh, this, [this] {
    if (document_) open(document_->request());
  });
  file->addSeparator();
  export_action_ = add(file, tr("&Export Report…"), QKeySequence(tr("Ctrl+E")), this, [this] { export_dialog(ExportSubject::Report); });
  export_diff_action_ =
      add(file, tr("Export &Diff Report…"), QKeySequence(tr("Ctrl+Shift+E")), this, [this] { export_dialog(ExportSubject::Diff); });
  file->addSeparator();
  add(file, tr("&Quit"), QKeySequence::Quit, this, [this] { close(); });

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  add(edit, tr("&Copy Selected Rows"), QKeySequence::Copy, this, [this] { copy_selection(); });
  add(edit, tr("&Find Context…"), QKeySequence::Find, this, [this] {
    show_tab(Tab::Contexts);
    contexts_->focus_search();
  });
  stale_only_action_ = add(edit, tr("&Stale Entries Only"), QKeySequence(tr("Ctrl+Shift+S")), this, [this] {
    ContextFilter f = contexts_->proxy()->filter();
    f.stale_only = !f.stale_only;
    show_tab(Tab::Contexts);
    contexts_->set_filter(f);
  });

  QMenu* view = menuBar()->addMenu(tr("&View"));
  const QString names[] = {tr("&Summary"), tr("&Contexts"), tr("&Allocations"), tr("C&harts"), tr("&Diff")};
  for (int t = 0; t < 5; ++t)
    add(view, names[t], QKeySequence(QStringLiteral("Ctrl+%1").arg(t + 1)), this, [this, t] { show_tab(static_cast<Tab>(t)); });
  view->addSeparator();
  rank_by_count_action_ = add(view, tr("Rank Suspects by &Count"), {}, this, [this] {
    if (!document_) return;
    LoadRequest request = document_->request();
    request.rank_by = rank_by_count_action_->isChecked() ? analyzer::SuspectRanking::Count
                                                         : analyzer::SuspectRanking::RetainedBytes;
    open(request);
  });
  rank_by_count_action_->setCheckable(true);
  rank_by_count_action_->setStatusTip(tr("Rank stale groups and leak suspects by entries instead of retained bytes"));
  add(view, tr("&Reset Layout"), {}, this, [this] { reset_layout(); });

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  add(help, tr("&Keyboard Shortcuts"), QKeySequence::HelpContents, this, [this] { show_shortcuts(); });
  add(help, tr("&About ctxheap"), {}, this, [this] { show_about(); });

  auto* cancel = new QAction(this);
  cancel->setShortcut(Qt::Key_Escape);
  connect(cancel, &QAction::triggered, loader_, &LoadController::cancel);
  addAction(cancel);
  connect(recent_menu_, &QMenu::aboutToShow, this, [this] { rebuild_recent_menu(); });
  rebuild_recent_menu();
}

void MainWindow::update_actions() {
  const bool have = document_ != nullptr;
  compare_action_->setEnabled(have && !loader_->busy());
  reload_action_->setEnabled(have && !loader_->busy());
  export_action_->setEnabled(have);
  export_diff_action_->setEnabled(have && document_->diff() != nullptr);
  rank_by_count_action_->setEnabled(have && !loader_->busy());
  rank_by_count_action_->setChecked(have && document_->request().rank_by == analyzer::SuspectRanking::Count);
}

void MainWindow::rebuild_recent_menu() {
  recent_menu_->clear();
  const std::vector<LoadRequest> recent = AppSettings::recent();
  for (std::size_t k = 0; k < recent.size(); ++k) {
    QAction* a = recent_menu_->addAction(QStringLiteral("&%1 %2").arg(k + 1 < 10 ? QString::number(k + 1) : QString::number(0),
                                                                     AppSettings::describe(recent[k])));
    QStringList paths;
    for (const auto& f : recent[k].files) paths << QString::fromStdString(f.string());
    if (!recent[k].compare.empty()) paths << tr("compared with %1").arg(QString::fromStdString(recent[k].compare.string()));
    a->setToolTip(paths.join(QLatin1Char('\n')));
    const LoadRequest request = recent[k];
    connect(a, &QAction::triggered, this, [this, request] { open(request); });
  }
  if (recent.empty()) recent_menu_->addAction(tr("(none)"))->setEnabled(false);
  recent_menu_->addSeparator();
  add(recent_menu_, tr("&Clear"), {}, this, [this] {
    AppSettings::clear_recent();
    rebuild_recent_menu();
  });
}

void MainWindow::open_dialog() {
  const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open snapshots"), AppSettings::last_directory(), snapshot_filter());
  if (files.isEmpty()) return;
  AppSettings::set_last_directory(QFileInfo(files.front()).absolutePath());
  LoadRequest request;
  for (const QString& f : files) request.files.emplace_back(f.toStdString());
  open(request);
}

void MainWindow::compare_dialog() {
  if (!document_) return;
  const QString file = QFileDialog::getOpenFileName(this, tr("Compare with (after)"), AppSettings::last_directory(), snapshot_filter());
  if (file.isEmpty()) return;
  LoadRequest request = document_->request();
  request.compare = file.toStdString();
  open(request);
}

void MainWindow::export_dialog(ExportSubject subject) {
  if (!document_) return;
  const std::vector<report::Format> formats = export_formats(*document_, subject);
  if (formats.empty()) return;
  QStringList filters;
  for (report::Format f : formats) filters << file_filter(f);
  QString selected = filters.front();
  const QString base = QFileInfo(QString::fromStdString(document_->latest().profile->meta.source_path)).completeBaseName();
  const QString suggested =
      QFileInfo(AppSettings::last_directory(), base + (subject == ExportSubject::Diff ? QStringLiteral("-diff.html") : QStringLiteral(".html")))
          .filePath();
  QString path = QFileDialog::getSaveFileName(this, subject == ExportSubject::Diff ? tr("Export diff report") : tr("Export report"),
                                              suggested, filters.join(QStringLiteral(";;")), &selected);
  if (path.isEmpty()) return;
  // The extension decides when it names a format; else the chosen filter does.
  std::optional<report::Format> format = report::format_for_path(path.toStdString());
  if (!format || std::find(formats.begin(), formats.end(), *format) == formats.end()) format = format_of_filter(selected);
  if (!format) format = formats.front();
  const QString error = export_report(*document_, subject, *format, path);
  if (!error.isEmpty()) {
    QMessageBox::warning(this, tr("Export failed"), error);
    return;
  }
  AppSettings::set_last_directory(QFileInfo(path).absolutePath());
  statusBar()->showMessage(tr("Wrote %1").arg(path), 6000);
}

void MainWindow::copy_selection() {
  if (current_tab() == Tab::Contexts) contexts_->copy_selection();
  if (current_tab() == Tab::Diff) diff_->copy_selection();
}

void MainWindow::reset_layout() {
  AppSettings::clear_layout();
  contexts_->reset_layout();
  resize(1440, 900);
}

void MainWindow::show_shortcuts() {
  QMessageBox::information(
      this, tr("Keyboard shortcuts"),
      tr("<table>"
         "<tr><td><b>Ctrl+O</b></td><td>Open snapshots (one, a series, or two runs)</td></tr>"
         "<tr><td><b>Ctrl+Shift+O</b></td><td>Compare the open snapshot with another run</td></tr>"
         "<tr><td><b>F5</b></td><td>Reload</td></tr>"
         "<tr><td><b>Esc</b></td><td>Cancel loading</td></tr>"
         "<tr><td><b>Ctrl+E / Ctrl+Shift+E</b></td><td>Export the report / the diff report</td></tr>"
         "<tr><td><b>Ctrl+1 … Ctrl+4</b></td><td>Summary, Contexts, Charts, Diff</td></tr>"
         "<tr><td><b>Ctrl+F</b></td><td>Search contexts</td></tr>"
         "<tr><td><b>Ctrl+Shift+S</b></td><td>Stale entries only</td></tr>"
         "<tr><td><b>Ctrl+C</b></td><td>Copy selected rows (tab-separated)</td></tr>"
         "<tr><td><b>Double-click</b></td><td>a frame: open its file at the line; an icicle box: zoom in "
         "(right-click or Backspace zooms out)</td></tr>"
         "<tr><td><b>Ctrl+drop</b></td><td>a file onto the window: compare it with the open snapshot</td></tr>"
         "</table>"));
}

void MainWindow::show_about() {
  QMessageBox::about(this, tr("About ctxheap"),
                     tr("<b>ctxheap-gui %1</b><p>Finds memory that a cancellation-context tree keeps alive: stale "
                        "children, what they retain, and who holds them.</p>")
                         .arg(QStringLiteral(CTXHEAP_VERSION)));
}

}  // namespace ctxheap::gui
