#include "app/screenshot.hpp"

#include <QApplication>
#include <QImage>
#include <QPixmap>
#include <QTabWidget>
#include <cstdio>

#include "loading/load_controller.hpp"
#include "views/allocations_page.hpp"
#include "views/context_page.hpp"
#include "views/alloc_diff_panel.hpp"
#include "views/diff_page.hpp"

namespace ctxheap::gui {

namespace {
void settle() {
  for (int k = 0; k < 5; ++k) QApplication::processEvents();
}
}  // namespace

int take_screenshot(const CommandLine& cl) {
  MainWindow window(nullptr, /*persistent=*/false);
  window.resize(cl.size);
  window.show_tab(cl.tab);
  window.show();
  settle();  // laid out at its size before the document arrives, as on screen
  QString failure;
  QObject::connect(&window, &MainWindow::loadFailed, &window, [&failure](const QString& reason) { failure = reason; });
  window.open(cl.request);
  window.loader()->wait();
  settle();
  if (!window.document()) {
    std::fprintf(stderr, "ctxheap-gui: %s\n", qPrintable(failure.isEmpty() ? QStringLiteral("loading failed") : failure));
    return 2;
  }
  window.show_tab(cl.tab);
  window.allocations_page()->set_view(cl.view);
  if (!cl.search.isEmpty()) window.allocations_page()->set_search(cl.search);
  window.diff_page()->tables()->setCurrentIndex(cl.diff_table);
  if (cl.select) {
    const analyzer::Index n = window.document()->latest().forest.find(*cl.select);
    if (n == analyzer::kNoIndex) {
      std::fprintf(stderr, "ctxheap-gui: --select: no context #%llu in the snapshot\n", static_cast<unsigned long long>(*cl.select));
      return 2;
    }
    window.context_page()->select_context(n);
  }
  window.allocations_page()->settle();  // its views are answered on a worker thread
  window.diff_page()->allocations()->settle();  // and so is the diff of allocation stacks
  settle();
  const QPixmap picture = window.grab();
  // Quality 0 is PNG's strongest compression (lossless): screenshots go into the repository.
  if (picture.isNull() || !picture.toImage().convertToFormat(QImage::Format_RGB32).save(cl.screenshot, "PNG", 0)) {
    std::fprintf(stderr, "ctxheap-gui: cannot write %s\n", qPrintable(cl.screenshot));
    return 1;
  }
  return 0;
}

}  // namespace ctxheap::gui
