// ctxheap-gui: the desktop app (docs/gui.md).
#include <QApplication>
#include <QTabWidget>
#include <cstdio>
#include <cstring>
#include <memory>

#include "app/command_line.hpp"
#include "app/screenshot.hpp"
#include "views/allocations_page.hpp"
#include "views/diff_page.hpp"
#include "views/main_window.hpp"

namespace {

bool has_argument(int argc, char** argv, std::initializer_list<const char*> names) {
  for (int i = 1; i < argc; ++i)
    for (const char* name : names)
      if (std::strcmp(argv[i], name) == 0) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // --help and --version need no display; --screenshot renders offscreen when there is none.
  const bool text_only = has_argument(argc, argv, {"-h", "--help", "--help-all", "-v", "--version"});
  const bool headless = qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
  if (has_argument(argc, argv, {"--screenshot"}) && headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
  std::unique_ptr<QCoreApplication> app = text_only ? std::make_unique<QCoreApplication>(argc, argv)
                                                    : std::make_unique<QApplication>(argc, argv);
  QCoreApplication::setOrganizationName(QStringLiteral("ctxheap"));
  QCoreApplication::setApplicationName(QStringLiteral("ctxheap-gui"));
  QCoreApplication::setApplicationVersion(QStringLiteral(CTXHEAP_VERSION));

  QString error;
  const auto command_line = ctxheap::gui::parse_command_line(QCoreApplication::arguments(), error);
  if (!command_line) {
    std::fprintf(stderr, "ctxheap-gui: %s\n", qPrintable(error));
    return 2;
  }
  if (!command_line->screenshot.isEmpty()) return ctxheap::gui::take_screenshot(*command_line);

  ctxheap::gui::MainWindow window;
  window.show();
  window.show_tab(command_line->tab);
  window.allocations_page()->set_view(command_line->view);
  if (!command_line->search.isEmpty()) window.allocations_page()->set_search(command_line->search);
  window.diff_page()->tables()->setCurrentIndex(command_line->diff_table);
  if (!command_line->request.files.empty()) window.open(command_line->request);
  return QCoreApplication::exec();
}
