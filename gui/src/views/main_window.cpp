#include "views/main_window.hpp"

#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <utility>

#include "loading/load_controller.hpp"
#include "loading/release_document.hpp"
#include "models/text.hpp"
#include "settings/app_settings.hpp"
#include "views/allocations_page.hpp"
#include "views/charts_page.hpp"
#include "views/context_page.hpp"
#include "views/diff_page.hpp"
#include "views/summary_page.hpp"

namespace ctxheap::gui {

MainWindow::MainWindow(QWidget* parent, bool persistent) : QMainWindow(parent), persistent_(persistent) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(QStringLiteral("ctxheap"));
  setAcceptDrops(true);
  loader_ = new LoadController(this);
  tabs_ = new QTabWidget(this);
  tabs_->setDocumentMode(true);
  summary_ = new SummaryPage(tabs_);
  contexts_ = new ContextPage(tabs_);
  allocations_ = new AllocationsPage(tabs_);
  charts_ = new ChartsPage(tabs_);
  diff_ = new DiffPage(tabs_);
  tabs_->addTab(summary_, tr("&Summary"));
  tabs_->addTab(contexts_, tr("&Contexts"));
  tabs_->addTab(allocations_, tr("&Allocations"));
  tabs_->addTab(charts_, tr("C&harts"));
  tabs_->addTab(diff_, tr("&Diff"));
  setCentralWidget(tabs_);

  status_ = new QLabel(tr("Open a snapshot: File > Open (Ctrl+O), or drop files here"), this);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(260);
  progress_->setTextVisible(false);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setToolTip(tr("Stop loading (Esc)"));
  statusBar()->addWidget(status_, 1);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  progress_->hide();
  cancel_->hide();

  connect(cancel_, &QPushButton::clicked, loader_, &LoadController::cancel);
  connect(loader_, &LoadController::started, this, [this](const LoadRequest& r) {
    status_->setText(tr("Opening %1…").arg(AppSettings::describe(r)));
    progress_->setValue(0);
  });
  connect(loader_, &LoadController::progress, this, [this](const QString& step, double fraction) {
    status_->setText(step + QStringLiteral("…"));
    progress_->setValue(static_cast<int>(fraction * 1000));
  });
  connect(loader_, &LoadController::loaded, this, [this](std::shared_ptr<const Document> doc) {
    if (persistent_) AppSettings::add_recent(doc->request());
    set_document(std::move(doc));
  });
  connect(loader_, &LoadController::failed, this, [this](const QString& reason) { on_failed(reason); });
  connect(loader_, &LoadController::cancelled, this, [this] { status_->setText(tr("Loading cancelled")); });
  connect(loader_, &LoadController::busyChanged, this, &MainWindow::on_busy);

  const auto go = [this](qulonglong context) { select_context(static_cast<analyzer::Index>(context)); };
  connect(summary_, &SummaryPage::contextActivated, this, go);
  connect(charts_, &ChartsPage::contextActivated, this, go);
  connect(summary_, &SummaryPage::diffRequested, this, [this] { show_tab(Tab::Diff); });
  connect(contexts_, &ContextPage::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 6000); });

  create_actions();
  resize(1440, 900);
  if (persistent_) restore_layout();
  update_actions();
}

MainWindow::~MainWindow() {
  // Closing the app frees what is open as opening another file does: the pages let go,
  // and the last reference goes to a worker (a million-stack document is about 0.8 s of
  // free(), which here would hold the UI thread after the window is gone).
  if (!document_) return;
  set_pages(nullptr);
  release_in_background(std::move(document_));
}

void MainWindow::open(const LoadRequest& request) {
  if (request.files.empty()) return;
  loader_->start(request);
}

void MainWindow::set_document(std::shared_ptr<const Document> document) {
  std::shared_ptr<const Document> previous = std::exchange(document_, std::move(document));
  set_pages(document_);
  if (document_) {
    const analyzer::Analysis& a = document_->latest();
    // A gperftools dump or a Go heap profile has no contexts: where its heap was
    // allocated is what there is to see, so it opens on the Allocations tab.
    if (a.profile->contexts.empty() && current_tab() == Tab::Contexts) show_tab(Tab::Allocations);
    const QString name = QFileInfo(qstr(a.profile->meta.source_path)).fileName();
    setWindowTitle(tr("%1 — ctxheap").arg(AppSettings::describe(document_->request())));
    status_->setText(tr("%1: %2 contexts, %3 in use, %4 stale entries, %5")
                         .arg(name, count_text(a.summary.contexts), bytes_text(a.summary.heap_inuse_bytes), count_text(a.summary.stale),
                              a.summary.suspects == 1 ? tr("1 leak suspect") : tr("%1 leak suspects").arg(count_text(a.summary.suspects))));
  }
  // Every page holds the new document now: the previous one is freed off the UI thread.
  release_in_background(std::move(previous));
  update_actions();
  Q_EMIT documentChanged();
}

void MainWindow::set_pages(const std::shared_ptr<const Document>& document) {
  summary_->set_document(document);
  contexts_->set_document(document);
  allocations_->set_document(document);
  charts_->set_document(document);
  diff_->set_document(document);
}

void MainWindow::on_failed(const QString& reason) {
  status_->setText(reason);
  if (error_dialog_) error_dialog_->close();
  // Window-modal and non-blocking: the app keeps working behind it.
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open"), reason, QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("loadErrorDialog"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setWindowModality(Qt::WindowModal);
  error_dialog_ = box;
  box->open();
  Q_EMIT loadFailed(reason);
}

void MainWindow::on_busy(bool busy) {
  progress_->setVisible(busy);
  cancel_->setVisible(busy);
  charts_->set_loading(busy);
  update_actions();
}

void MainWindow::select_context(analyzer::Index context) {
  show_tab(Tab::Contexts);
  contexts_->select_context(context);
}

void MainWindow::show_tab(Tab tab) { tabs_->setCurrentIndex(static_cast<int>(tab)); }

MainWindow::Tab MainWindow::current_tab() const { return static_cast<Tab>(tabs_->currentIndex()); }

void MainWindow::save_layout() const {
  AppSettings::set_layout(QStringLiteral("window/geometry"), saveGeometry());
  AppSettings::set_layout(QStringLiteral("window/state"), saveState());
  AppSettings::set_layout(QStringLiteral("window/tab"), QByteArray::number(tabs_->currentIndex()));
  contexts_->save_layout();
  charts_->save_layout();
}

void MainWindow::restore_layout() {
  if (const QByteArray g = AppSettings::layout(QStringLiteral("window/geometry")); !g.isEmpty()) restoreGeometry(g);
  if (const QByteArray s = AppSettings::layout(QStringLiteral("window/state")); !s.isEmpty()) restoreState(s);
  if (const QByteArray t = AppSettings::layout(QStringLiteral("window/tab")); !t.isEmpty()) tabs_->setCurrentIndex(t.toInt());
  contexts_->restore_layout();
  charts_->restore_layout();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  loader_->cancel();
  if (persistent_) save_layout();
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!event->mimeData()->hasUrls()) return;
  for (const QUrl& url : event->mimeData()->urls())
    if (!url.isLocalFile()) return;
  event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  LoadRequest request;
  for (const QUrl& url : event->mimeData()->urls()) request.files.emplace_back(url.toLocalFile().toStdString());
  // Ctrl+drop of one file compares it with what is open.
  if (document_ && request.files.size() == 1 && (event->modifiers() & Qt::ControlModifier)) {
    LoadRequest compare = document_->request();
    compare.compare = request.files.front();
    request = compare;
  }
  event->acceptProposedAction();
  open(request);
}

}  // namespace ctxheap::gui
