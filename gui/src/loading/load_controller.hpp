// Runs load_document() off the UI thread, one request at a time: progress arrives as
// queued signals, Cancel stops the analyzer between records, and a newer request
// supersedes (cancels) an older one, whose result is then dropped.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <vector>

#include "document/document.hpp"

class QThread;

namespace ctxheap::gui {

class LoadController : public QObject {
  Q_OBJECT
 public:
  explicit LoadController(QObject* parent = nullptr);
  ~LoadController() override;  ///< cancels and joins running loads

  void start(const LoadRequest& request);
  bool busy() const noexcept { return busy_; }
  /// Blocks until no load runs (tests, --screenshot).
  void wait();

 public Q_SLOTS:
  void cancel();

 Q_SIGNALS:
  void started(const ctxheap::gui::LoadRequest& request);
  /// `fraction` in [0, 1] of the current step.
  void progress(const QString& step, double fraction);
  void loaded(std::shared_ptr<const ctxheap::gui::Document> document);
  /// The reader's one-line reason (LoadError::what()).
  void failed(const QString& reason, const ctxheap::gui::LoadRequest& request);
  void cancelled();
  void busyChanged(bool busy);

 private:
  struct Run;
  void finish(const std::shared_ptr<Run>& run);
  std::shared_ptr<Run> current_;
  std::vector<QThread*> threads_;
  bool busy_ = false;
};

}  // namespace ctxheap::gui

Q_DECLARE_METATYPE(std::shared_ptr<const ctxheap::gui::Document>)
Q_DECLARE_METATYPE(ctxheap::gui::LoadRequest)
