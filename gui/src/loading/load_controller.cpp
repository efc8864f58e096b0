#include "loading/load_controller.hpp"

#include <QCoreApplication>
#include <QMetaObject>
#include <QThread>
#include <chrono>
#include <mutex>

#include "ctxheap/analyzer/load.hpp"
#include "document/load_document.hpp"

namespace ctxheap::gui {

struct LoadController::Run {
  LoadRequest request;
  std::atomic<bool> cancel{false};
  std::shared_ptr<const Document> document;
  QString error;
  bool was_cancelled = false;
  // Progress throttling: at most one queued update per interval, and on every new step.
  std::mutex progress_mutex;
  std::string last_step;
  std::chrono::steady_clock::time_point last_sent{};
};

LoadController::LoadController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const Document>>();
  qRegisterMetaType<LoadRequest>();
}

LoadController::~LoadController() {
  if (current_) current_->cancel = true;
  current_.reset();
  for (QThread* thread : threads_) {
    thread->wait();
    delete thread;
  }
}

void LoadController::wait() {
  const std::vector<QThread*> running = threads_;
  for (QThread* thread : running) thread->wait();
  // The finished runs posted their results; deliver them now.
  QCoreApplication::sendPostedEvents(this);
}

void LoadController::cancel() {
  if (current_) current_->cancel = true;
}

void LoadController::start(const LoadRequest& request) {
  if (current_) current_->cancel = true;  // superseded: its result is dropped
  auto run = std::make_shared<Run>();
  run->request = request;
  current_ = run;

  QThread* thread = QThread::create([this, run] {
    const auto on_progress = [this, run](const std::string& step, std::uint64_t done, std::uint64_t total) {
      const auto now = std::chrono::steady_clock::now();
      {
        std::lock_guard lock(run->progress_mutex);
        const bool new_step = step != run->last_step;
        if (!new_step && done != total && now - run->last_sent < std::chrono::milliseconds(40)) return;
        run->last_step = step;
        run->last_sent = now;
      }
      const double fraction = total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total);
      const QString text = QString::fromStdString(step);
      QMetaObject::invokeMethod(this, [this, run, text, fraction] {
        if (run == current_) Q_EMIT progress(text, fraction);
      }, Qt::QueuedConnection);
    };
    try {
      run->document = load_document(run->request, on_progress, &run->cancel);
    } catch (const analyzer::Cancelled&) {
      run->was_cancelled = true;
    } catch (const std::exception& e) {  // LoadError, and bad_alloc on a file too big for memory
      run->error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(this, [this, run] { finish(run); }, Qt::QueuedConnection);
  });
  threads_.push_back(thread);
  connect(thread, &QThread::finished, this, [this, thread] {
    std::erase(threads_, thread);
    thread->deleteLater();
  });
  if (!busy_) {
    busy_ = true;
    Q_EMIT busyChanged(true);
  }
  Q_EMIT started(request);
  thread->start();
}

void LoadController::finish(const std::shared_ptr<Run>& run) {
  if (run != current_) return;  // superseded
  current_.reset();
  busy_ = false;
  Q_EMIT busyChanged(false);
  if (run->was_cancelled)
    Q_EMIT cancelled();
  else if (run->document)
    Q_EMIT loaded(run->document);
  else
    Q_EMIT failed(run->error, run->request);
}

}  // namespace ctxheap::gui
